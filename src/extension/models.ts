// Model manager: "Select Model…" (embedded, downloaded, Hugging Face id with cancellable progress, folder) and the
// attention layer/head picker. Choices are written to user settings; the config reaction reloads the worker.
import * as vscode from 'vscode';
import type { DownloadProgress } from '../core/api';
import { AUTO, EMBEDDED } from '../core/auto';
import { isHubId } from '../core/model/hub-id';
import type { KnownModel, ModelRole } from '../worker/protocol';
import { isCancel, toSignal, type Ctx } from './ctx';

const KEY: Record<ModelRole, string> = { encoder: 'model', qa: 'qaModel', static: 'staticVectors' };

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('bertLens').update(key, value, vscode.ConfigurationTarget.Global);
}

export async function selectModel(ctx: Ctx, role?: ModelRole): Promise<void> {
  const c = ctx.config;
  if (!role) {
    const roles: Array<vscode.QuickPickItem & { role: ModelRole }> = [
      {
        role: 'encoder',
        label: `$(symbol-class) ${vscode.l10n.t('Encoder')}`,
        description: c.model,
        detail: vscode.l10n.t('Hover, attention, masked word, sentence continuity'),
      },
      {
        role: 'qa',
        label: `$(question) ${vscode.l10n.t('Question answering')}`,
        description: c.qaModel,
        detail: vscode.l10n.t('"Ask a Question About This Document"'),
      },
      {
        role: 'static',
        label: `$(symbol-array) ${vscode.l10n.t('Static vectors')}`,
        description: c.staticVectors || vscode.l10n.t('none'),
        detail: vscode.l10n.t('word2vec neighbours in the hover'),
      },
    ];
    const r = await vscode.window.showQuickPick(roles, { title: vscode.l10n.t('BERT Lens: which model do you want to change?') });
    if (!r) return;
    role = r.role;
  }
  await ctx.ready();
  let known: KnownModel[] = [];
  try {
    known = await ctx.client.call.listModels();
  } catch (e) {
    ctx.log.warn(`Listing models failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  type Item = vscode.QuickPickItem & { action: 'use' | 'hub' | 'folder' | 'file' | 'none'; id?: string };
  const current = role === 'encoder' ? c.model : role === 'qa' ? c.qaModel : c.staticVectors;
  const items: Item[] = [];
  const check = (id: string) => (id === current ? '$(check) ' : '');
  items.push({
    action: 'use',
    id: AUTO,
    label: `${check(AUTO)}${AUTO}`,
    description: vscode.l10n.t('{0} for text that is mostly Chinese (per paragraph), {1} otherwise', EMBEDDED.zh[role], EMBEDDED.en[role]),
  });
  const group = (label: string, list: KnownModel[]) => {
    if (!list.length) return;
    items.push({ label, kind: vscode.QuickPickItemKind.Separator, action: 'use' });
    for (const m of list) {
      items.push({
        action: 'use',
        id: m.id,
        label: `${check(m.id)}${m.id}`,
        description: [m.dtypes.join('/'), m.bytes ? mb(m.bytes) : ''].filter(Boolean).join(' · '),
        detail: m.dir,
      });
    }
  };
  if (role === 'static') {
    for (const id of [EMBEDDED.en.static, EMBEDDED.zh.static])
      items.push({ action: 'use', id, label: `${check(id)}${id}`, description: vscode.l10n.t('embedded') });
    items.push({ action: 'file', label: `$(file) ${vscode.l10n.t('Open word2vec File…')}` });
    items.push({ action: 'none', label: `$(circle-slash) ${vscode.l10n.t('None')}` });
  } else {
    group(
      vscode.l10n.t('Embedded'),
      known.filter((m) => m.source === 'embedded'),
    );
    group(
      vscode.l10n.t('Downloaded'),
      known.filter((m) => m.source === 'hub'),
    );
    group(
      vscode.l10n.t('Folders'),
      known.filter((m) => m.source === 'folder'),
    );
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator, action: 'use' });
    items.push({
      action: 'hub',
      label: `$(cloud-download) ${vscode.l10n.t('Hugging Face Model Id…')}`,
      detail: vscode.l10n.t('e.g. Xenova/bert-base-uncased — downloaded from {0}', c.hubEndpoint),
    });
    items.push({
      action: 'folder',
      label: `$(folder-opened) ${vscode.l10n.t('Open Folder…')}`,
      detail: vscode.l10n.t('A folder with config.json, tokenizer.json and onnx/model.onnx'),
    });
  }
  const pick = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('BERT Lens: select the {0} model', role),
    matchOnDetail: true,
  });
  if (!pick) return;
  const key = KEY[role];
  switch (pick.action) {
    case 'use':
      if (pick.id) await setSetting(key, pick.id);
      return;
    case 'none':
      await setSetting(key, '');
      return;
    case 'folder':
    case 'file': {
      const uris = await vscode.window.showOpenDialog({
        canSelectFolders: pick.action === 'folder',
        canSelectFiles: pick.action === 'file',
        canSelectMany: false,
        title:
          pick.action === 'folder' ? vscode.l10n.t('Model folder (Hugging Face layout with ONNX)') : vscode.l10n.t('word2vec binary file'),
      });
      if (uris?.[0]) await setSetting(key, uris[0].fsPath);
      return;
    }
    case 'hub': {
      const id = await vscode.window.showInputBox({
        title: vscode.l10n.t('BERT Lens: Hugging Face model id'),
        placeHolder: role === 'qa' ? 'Xenova/distilbert-base-cased-distilled-squad' : 'Xenova/bert-base-uncased',
        validateInput: (v) => (isHubId(v.trim()) ? undefined : vscode.l10n.t('Use the form owner/name, e.g. Xenova/bert-base-uncased')),
      });
      if (id) await useHubModel(ctx, role, id.trim());
    }
  }
}

/** Downloads a Hugging Face model (unless offline) and, once it is ready, makes it the model of `role`. */
export async function useHubModel(ctx: Ctx, role: ModelRole, id: string): Promise<void> {
  if (ctx.config.offline) {
    return void vscode.window.showWarningMessage(
      vscode.l10n.t('BERT Lens is offline (bertLens.offline is true). Turn it off to download {0}.', id),
    );
  }
  await ctx.ready();
  if (await download(ctx, id)) await setSetting(KEY[role], id);
}

/** Downloads a hub model with a cancellable notification that shows bytes; true when it is ready to use. */
async function download(ctx: Ctx, id: string): Promise<boolean> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('BERT Lens: downloading {0}', id), cancellable: true },
    async (progress, token) => {
      const seen = new Map<string, DownloadProgress>();
      let lastPct = 0;
      try {
        const info = await ctx.client.call.prepare(id, {
          signal: toSignal(token),
          onProgress: (p) => {
            if (!('file' in p)) return;
            seen.set(p.file, p);
            const loaded = [...seen.values()].reduce((s, x) => s + x.loaded, 0);
            const total = [...seen.values()].reduce((s, x) => s + x.total, 0);
            const pct = total ? (loaded / total) * 100 : 0;
            progress.report({
              increment: Math.max(0, pct - lastPct),
              message: `${p.file} — ${mb(loaded)}${total ? ` / ${mb(total)}` : ''}`,
            });
            lastPct = Math.max(lastPct, pct);
          },
        });
        ctx.log.info(`Downloaded ${id}: ${info.architecture}, ${info.layers} layers, ${info.dtype}, from ${info.dir}`);
        return true;
      } catch (e) {
        if (!isCancel(e)) ctx.error(vscode.l10n.t('Download {0}', id), e);
        else ctx.log.info(`Download of ${id} cancelled`);
        return false;
      }
    },
  );
}

/** Status bar click while the overlay is on: pick the layer (or rollout), then the head (or the mean). */
export async function selectLayerHead(ctx: Ctx): Promise<void> {
  const info = ctx.models?.encoder.info;
  const layers = info?.layers ?? 0,
    heads = info?.heads ?? 0;
  const layerItems: Array<vscode.QuickPickItem & { value: number | 'last' | 'rollout' }> = [
    { value: 'last', label: vscode.l10n.t('Last layer'), description: layers ? `L${layers}` : undefined },
    ...Array.from({ length: layers }, (_, i) => ({ value: i + 1, label: vscode.l10n.t('Layer {0}', i + 1) })),
    { value: 'rollout', label: vscode.l10n.t('Rollout'), description: vscode.l10n.t('attention flow through all layers') },
  ];
  const l = await vscode.window.showQuickPick(layerItems, { title: vscode.l10n.t('BERT Lens: attention layer') });
  if (!l) return;
  await vscode.workspace.getConfiguration('bertLens').update('attention.layer', l.value, vscode.ConfigurationTarget.Global);
  if (l.value === 'rollout') return;
  const headItems: Array<vscode.QuickPickItem & { value: number | 'mean' }> = [
    { value: 'mean', label: vscode.l10n.t('Mean of all heads') },
    ...Array.from({ length: heads }, (_, i) => ({ value: i, label: vscode.l10n.t('Head {0}', i) })),
  ];
  const h = await vscode.window.showQuickPick(headItems, { title: vscode.l10n.t('BERT Lens: attention head') });
  if (h) await vscode.workspace.getConfiguration('bertLens').update('attention.head', h.value, vscode.ConfigurationTarget.Global);
}
