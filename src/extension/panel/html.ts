// The panel's HTML shell: strict CSP (default-src 'none'), one nonce'd script, local resources only.
import { randomBytes } from 'node:crypto';

export const newNonce = (): string =>
  randomBytes(18)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '');

const attr = (s: string) => s.replace(/[&"<>]/g, (c) => ({ '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' })[c]!);

export function panelHtml(o: { cspSource: string; nonce: string; scriptUri: string; styleUri: string; lang: string }): string {
  const csp = `default-src 'none'; img-src ${o.cspSource} data:; style-src ${o.cspSource}; script-src 'nonce-${o.nonce}';`;
  return `<!DOCTYPE html>
<html lang="${attr(o.lang)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${attr(o.styleUri)}">
<title>BERT Lens</title>
</head>
<body>
<div id="app" aria-live="off"></div>
<script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
</body>
</html>
`;
}
