"""Where the training code reads and writes: the repository root (models/, test/, build/) and the shared training
corpus. The corpus is not in the repository (it is large and its licences are per source): SHARED_CORPUS names it,
by default the `shared/corpus` folder beside the repository's checkout (training/README.md lists what it holds)."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED_CORPUS = os.environ.get('SHARED_CORPUS') or os.path.join(os.path.dirname(ROOT), 'shared', 'corpus')
