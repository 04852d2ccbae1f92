"""Writes a whole held-out QA set for scripts/qa-heldout.ts: {'qa': [{'question', 'context', 'answers'}]}.
English: the fixed held-out split of training/open_data.py qa_split (SQuADShifts new-wiki + SQuAD v1.1 dev paragraphs);
Chinese: CMRC 2018 dev. The model cards' engine figures sample 300 of these (training/export_models.py).

Usage: python3 -m training.qa_heldout_set en|zh OUT.json"""
import json
import os
import sys

from .open_data import heldout_qa_items
from .paths import SHARED_CORPUS


def main():
    lang, out = sys.argv[1:3]
    qa = heldout_qa_items(os.path.join(SHARED_CORPUS, 'open'), lang)
    json.dump({'qa': qa}, open(out, 'w', encoding='utf-8'), ensure_ascii=False)
    print(f'{len(qa)} questions -> {out}')


if __name__ == '__main__':
    main()
