// transformers.js imports sharp at load time for image pipelines; BERT Lens never processes images.
module.exports = function sharp() { throw new Error('Image processing is not available in BERT Lens.'); };
