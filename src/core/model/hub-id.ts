// A Hugging Face repo id, as the store resolves it: a leaf module, so the extension host can validate input without
// bundling the model store.

// Same shape transformers.js accepts as a repo id (REPO_ID_REGEX), with the org part required.
const HUB_ID = /^[\w\-.]+\/[\w\-.]{1,96}$/;

export const isHubId = (s: string) => HUB_ID.test(s) && !s.startsWith('.') && !s.includes('..');
