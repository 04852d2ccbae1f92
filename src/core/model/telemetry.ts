// onnxruntime's own telemetry, switched off. Its official Linux and macOS builds (1.30, the one bundled) upload usage
// events to Microsoft (mobile.events.data.microsoft.com) with a persistent device id: each session's model file name,
// producer and opsets, error messages, the OS and the process path. Offline they queue in an SQLite file under
// ~/.cache/Microsoft/DeveloperTools/.onnxruntime (3,414 events after a day of tests here) for a later upload, and each
// process leaves an empty /tmp/mat-debug-PID.log. BERT Lens reads the user's documents offline and sends nothing, so
// onnxruntime must not either. ORT_DISABLE_TELEMETRY=1 is its full opt-out (no uploader, id, cache or log file).
// onnxruntime reads it with getenv() once, when it first initialises (the first session), so it has to be in the
// process environment before then: a worker thread's process.env is a copy that native code never sees, so the
// extension host sets it before it starts the worker (extension/client.ts), and sessionOptions() sets it for every
// other process (CLI, tests, benchmarks). It is process-wide, so other extensions' onnxruntime in the same extension
// host is opted out too. A value the user set is kept (e.g. ORT_DISABLE_TELEMETRY=0).

/** Sets ORT_DISABLE_TELEMETRY=1 in this process's environment unless it already has a value. */
export function disableOrtTelemetry(): void {
  if (!process.env.ORT_DISABLE_TELEMETRY) process.env.ORT_DISABLE_TELEMETRY = '1';
}
