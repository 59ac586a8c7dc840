"""``python -m speechlm_bib``: the same as the ``speechlm-bib`` command."""

from speechlm_bib.cli import main

if __name__ == "__main__":
    main()
