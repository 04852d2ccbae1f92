;; The hover's hot loop (core/vectors.ts dotsWith) in WebAssembly SIMD: the dot product of one query row with every
;; candidate row of a word matrix. out[j] = Σ_k rows[j·H + k] · q[k] for j = cand[p], p < count.
;;
;; Results are bit-identical to the JavaScript kernel (vectors.ts dotAt): float32 values promoted to float64 (a product
;; of two float32 values is exact in float64), four running sums over k mod 4 (lanes of two f64x2 accumulators), a
;; tail k ≥ H & ~3 added to the first sum in order, and (s0 + s1) + (s2 + s3) at the end. WebAssembly never fuses a
;; multiply with an add, and neither does JavaScript. On int8 rows the sums are exact integers in any order.
;;
;; Byte offsets into the imported memory; the caller lays out q, cand, out and rows (vectors.ts wordMatrix).
;; Rebuild the embedded bytes after an edit: node scripts/build-wasm.mjs (test/core/wasm-dots.test.ts checks them).
(module
  (memory (import "env" "memory") 1)

  ;; q: H float64 (the query row, promoted); rows: float32 [n, H]; cand: int32 [count]; out: float64 [n].
  (func (export "dotsF32")
    (param $q i32) (param $rows i32) (param $cand i32) (param $count i32) (param $H i32) (param $out i32)
    (local $p i32) (local $j i32) (local $a i32) (local $k i32) (local $h4 i32) (local $qk i32)
    (local $x v128) (local $s01 v128) (local $s23 v128) (local $s0 f64)
    (local.set $h4 (i32.and (local.get $H) (i32.const -4)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $p) (local.get $count)))
        (local.set $j (i32.load (i32.add (local.get $cand) (i32.shl (local.get $p) (i32.const 2)))))
        (local.set $a (i32.add (local.get $rows) (i32.shl (i32.mul (local.get $j) (local.get $H)) (i32.const 2))))
        (local.set $s01 (v128.const i64x2 0 0))
        (local.set $s23 (v128.const i64x2 0 0))
        (local.set $k (i32.const 0))
        (block $vdone
          (loop $v
            (br_if $vdone (i32.ge_u (local.get $k) (local.get $h4)))
            (local.set $x (v128.load (i32.add (local.get $a) (i32.shl (local.get $k) (i32.const 2)))))
            (local.set $qk (i32.add (local.get $q) (i32.shl (local.get $k) (i32.const 3))))
            (local.set $s01
              (f64x2.add (local.get $s01)
                (f64x2.mul (f64x2.promote_low_f32x4 (local.get $x)) (v128.load (local.get $qk)))))
            (local.set $s23
              (f64x2.add (local.get $s23)
                (f64x2.mul
                  (f64x2.promote_low_f32x4
                    (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)))
                  (v128.load offset=16 (local.get $qk)))))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $v)))
        (local.set $s0 (f64x2.extract_lane 0 (local.get $s01)))
        (block $tdone
          (loop $t
            (br_if $tdone (i32.ge_u (local.get $k) (local.get $H)))
            (local.set $s0
              (f64.add (local.get $s0)
                (f64.mul
                  (f64.promote_f32 (f32.load (i32.add (local.get $a) (i32.shl (local.get $k) (i32.const 2)))))
                  (f64.load (i32.add (local.get $q) (i32.shl (local.get $k) (i32.const 3)))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $t)))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3)))
          (f64.add
            (f64.add (local.get $s0) (f64x2.extract_lane 1 (local.get $s01)))
            (f64.add (f64x2.extract_lane 0 (local.get $s23)) (f64x2.extract_lane 1 (local.get $s23)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $row))))

  ;; q: H int8 (the query row); rows: int8 [n, H]; out[j] = the exact integer sum, as float64 (the caller scales it).
  (func (export "dotsI8")
    (param $q i32) (param $rows i32) (param $cand i32) (param $count i32) (param $H i32) (param $out i32)
    (local $p i32) (local $j i32) (local $a i32) (local $k i32) (local $h8 i32) (local $acc v128) (local $s i32)
    (local.set $h8 (i32.and (local.get $H) (i32.const -8)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $p) (local.get $count)))
        (local.set $j (i32.load (i32.add (local.get $cand) (i32.shl (local.get $p) (i32.const 2)))))
        (local.set $a (i32.add (local.get $rows) (i32.mul (local.get $j) (local.get $H))))
        (local.set $acc (v128.const i64x2 0 0))
        (local.set $k (i32.const 0))
        (block $vdone
          (loop $v
            (br_if $vdone (i32.ge_u (local.get $k) (local.get $h8)))
            (local.set $acc
              (i32x4.add (local.get $acc)
                (i32x4.dot_i16x8_s
                  (v128.load8x8_s (i32.add (local.get $a) (local.get $k)))
                  (v128.load8x8_s (i32.add (local.get $q) (local.get $k))))))
            (local.set $k (i32.add (local.get $k) (i32.const 8)))
            (br $v)))
        (local.set $s
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
            (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))
        (block $tdone
          (loop $t
            (br_if $tdone (i32.ge_u (local.get $k) (local.get $H)))
            (local.set $s
              (i32.add (local.get $s)
                (i32.mul
                  (i32.load8_s (i32.add (local.get $a) (local.get $k)))
                  (i32.load8_s (i32.add (local.get $q) (local.get $k))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $t)))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))) (f64.convert_i32_s (local.get $s)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $row)))))
