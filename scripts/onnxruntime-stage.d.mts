// Types of scripts/onnxruntime-stage.mjs for the TypeScript tests.
export const TARGETS: string[];
export const ORT_IN_PACKAGE: string;
export function stageOnnxruntime(root: string, stage: string, target: string): void;
export function bindingRequiredBy(ortDir: string, platform: string, arch: string): string;
export function checkBindings(extDir: string, target: string): string[];
