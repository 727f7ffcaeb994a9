"""Pure PyTorch training code for the playground. Never imports Django.

`config` and `estimate` import no torch, so the web process may use them for validation and
estimates; `data`, `models` and `loop` import torch and run only in workers and benchmarks.
"""
