// The head census labels (src/core/heads.ts decides them), shared by the engine and the panel webview bundle.
export const HEAD_LABELS = ['previous-token', 'next-token', '[SEP] sink', '[CLS]', 'self', 'local', 'broad', 'mixed'] as const;
export type HeadLabel = (typeof HEAD_LABELS)[number];
