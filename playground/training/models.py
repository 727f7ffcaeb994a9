"""Build torch modules from the configs. Shapes in comments are (batch, channels, height, width)."""

from __future__ import annotations

from collections.abc import Callable
from math import prod
from typing import Any

import torch
from torch import nn

from .config import CNN_CLASSES, CNN_INPUT, CnnConfig, TextConfig, block_output

_ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "relu": nn.ReLU,
    "leaky_relu": lambda: nn.LeakyReLU(0.01),
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
}


def _block(b: dict[str, Any], shape: tuple[int, ...]) -> nn.Module:
    """One block, given its input shape: (C, H, W) before a dense layer, (F,) after. The output
    shape is `block_output`'s, the rule the estimate follows too."""
    t = b["type"]
    if t == "conv":  # (B, C, H, W) -> (B, channels, (H + 2p - k) // s + 1, ...)
        return nn.Conv2d(shape[0], b["channels"], b["kernel"], b["stride"], b["padding"])
    if t == "pool":  # (B, C, H, W) -> (B, C, H // size, W // size)
        return (nn.MaxPool2d if b["kind"] == "max" else nn.AvgPool2d)(b["size"])
    if t == "batchnorm":
        return nn.BatchNorm2d(shape[0]) if len(shape) == 3 else nn.BatchNorm1d(shape[0])
    if t == "dense":  # (B, ...) -> (B, units); flattens a feature map first
        layer = nn.Linear(prod(shape), b["units"])
        return nn.Sequential(nn.Flatten(), layer) if len(shape) == 3 else layer
    if t == "dropout":
        return nn.Dropout(b["p"])
    return _ACTIVATIONS[b["fn"]]()


def build_cnn(cfg: CnnConfig) -> nn.Sequential:
    """Input (B, 1, 28, 28) -> logits (B, 10): the blocks, a flatten, then a 10-way classifier."""
    shape: tuple[int, ...] = CNN_INPUT
    layers = []
    for i, b in enumerate(cfg.blocks):
        layers.append(_block(b, shape))
        shape = block_output(i, b, shape)
    layers += [nn.Flatten(), nn.Linear(prod(shape), CNN_CLASSES)]
    model = nn.Sequential(*layers)
    _init(model, cfg.init)
    return model


def _init(model: nn.Module, scheme: str) -> None:
    if scheme == "default":
        return  # PyTorch's own defaults (Kaiming-uniform with a=sqrt(5))
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            if scheme == "xavier":
                nn.init.xavier_uniform_(m.weight)
            else:
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            if m.bias is not None:
                nn.init.zeros_(m.bias)


class CharModel(nn.Module):
    """Character ids (B, T) -> embedding (B, T, E) -> recurrent (B, T, H) -> logits (B, T, V)."""

    def __init__(self, cfg: TextConfig, vocab: int) -> None:
        super().__init__()
        cell = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cfg.cell]
        self.embed = nn.Embedding(vocab, cfg.embedding)
        self.rnn = cell(
            cfg.embedding,
            cfg.hidden,
            cfg.layers,
            batch_first=True,
            dropout=cfg.dropout if cfg.layers > 1 else 0.0,
        )
        self.drop = nn.Dropout(cfg.dropout)
        self.out = nn.Linear(cfg.hidden, vocab)

    def forward(self, ids: torch.Tensor, state: Any = None) -> tuple[torch.Tensor, Any]:
        y, state = self.rnn(self.embed(ids), state)
        return self.out(self.drop(y)), state


def build_text(cfg: TextConfig, vocab: int) -> CharModel:
    return CharModel(cfg, vocab)


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def make_optimizer(name: str, params: Any, lr: float) -> torch.optim.Optimizer:
    if name in ("sgd", "momentum", "nesterov"):
        momentum = 0.0 if name == "sgd" else 0.9
        return torch.optim.SGD(params, lr=lr, momentum=momentum, nesterov=name == "nesterov")
    return {
        "adam": torch.optim.Adam,
        "rmsprop": torch.optim.RMSprop,
        "adagrad": torch.optim.Adagrad,
    }[name](params, lr=lr)


def make_schedule(name: str, opt: torch.optim.Optimizer, total_steps: int) -> Any:
    """Stepped once per batch, so `total_steps` is batches per epoch times epochs."""
    if name == "step":
        return torch.optim.lr_scheduler.StepLR(opt, step_size=max(1, total_steps // 3), gamma=0.3)
    if name == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, total_steps))
    return None
