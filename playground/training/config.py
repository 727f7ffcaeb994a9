"""The run configurations, defined once: every setting with its type, default, bounds and help,
every CNN block type with its fields and output-shape rule, and the presets. Imports no torch
and no Django: the form, the API serializer, the estimate, the model builder and the block
builder's JavaScript (through `builder_schema()`) are all built from what is here.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .files import LABELS

ACTIVATIONS = ("relu", "leaky_relu", "tanh", "sigmoid")
POOLS = ("max", "avg")
OPTIMIZERS = ("sgd", "momentum", "nesterov", "adam", "rmsprop", "adagrad")
SCHEDULES = ("none", "step", "cosine")
INITS = ("default", "xavier", "kaiming")
CELLS = ("lstm", "gru", "rnn")
DATASETS = tuple(LABELS)  # their files and labels: files.py


def conv(channels: int, kernel: int = 3, stride: int = 1, padding: int = 0) -> dict[str, Any]:
    return {
        "type": "conv",
        "channels": channels,
        "kernel": kernel,
        "stride": stride,
        "padding": padding,
    }


def act(fn: str = "relu") -> dict[str, Any]:
    return {"type": "activation", "fn": fn}


def pool(kind: str = "max", size: int = 2) -> dict[str, Any]:
    return {"type": "pool", "kind": kind, "size": size}


BATCHNORM: dict[str, Any] = {"type": "batchnorm"}


def dropout(p: float) -> dict[str, Any]:
    return {"type": "dropout", "p": p}


def dense(units: int) -> dict[str, Any]:
    return {"type": "dense", "units": units}


# The default is sized for the benchmark target: >= 98 % test accuracy on MNIST 10k within 30 s
# of training on two CPU cores (bench/train_cnn.py). Batch norm keeps Adam stable; two cheap
# conv stages keep the forward pass near 6 MFLOP per image.
CNN_PRESETS: dict[str, list[dict[str, Any]]] = {
    "lenet": [
        conv(6, 5, 1, 2),
        act("tanh"),
        pool("avg", 2),
        conv(16, 5),
        act("tanh"),
        pool("avg", 2),
        dense(120),
        act("tanh"),
        dense(84),
        act("tanh"),
    ],
    "small-fast": [
        conv(8, 3, 1, 1),
        act("relu"),
        pool("max", 2),
        conv(16, 3, 1, 1),
        act("relu"),
        pool("max", 2),
        dense(32),
        act("relu"),
    ],
    "default": [
        conv(16, 5, 1, 2),
        BATCHNORM,
        act("relu"),
        pool("max", 2),
        conv(32, 5, 1, 2),
        BATCHNORM,
        act("relu"),
        pool("max", 2),
        dropout(0.25),
        dense(128),
        act("relu"),
        dropout(0.25),
    ],
}


class ConfigError(ValueError):
    """A configuration that breaks the schema; `errors` maps each setting to what is wrong."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = dict(errors)


class ShapeError(ValueError):
    """The blocks do not fit together (e.g. a kernel larger than its input)."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(f"block {index + 1}: {message}")
        self.index = index


@dataclass(frozen=True)
class Spec:
    """One setting (or one field of a block): what the form, the API and the builder offer."""

    default: Any
    low: float | None = None
    high: float | None = None
    choices: tuple[tuple[str, str], ...] = ()  # (value, label); empty: any value of the type
    label: str = ""  # empty: the name, as Django words it
    help: str = ""
    optional: bool = False  # may be left empty, meaning the default (0: "off")
    step: float | None = None  # the builder's step for a number; None: 1 for whole numbers

    @property
    def type(self) -> str:
        """ "bool", "int", "float", "str" or "list", from the default (bool before int)."""
        return type(self.default).__name__

    def check(self, where: str, name: str, value: Any) -> Any:
        """The value as its type, or ValueError in the words the form and the API show."""
        if self.choices:
            allowed = [v for v, _ in self.choices]
            if value not in allowed:
                raise ValueError(f"{where}: {name} must be one of {', '.join(allowed)}.")
            return value
        whole = self.type == "int"
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or (whole and value != int(value))
        ):
            raise ValueError(f"{where}: {name} must be a {'whole ' if whole else ''}number.")
        if self.low is not None and self.high is not None and not self.low <= value <= self.high:
            raise ValueError(f"{where}: {name} must be between {self.low} and {self.high}.")
        return int(value) if whole else float(value)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "default": self.default}
        if self.choices:
            out["choices"] = [list(c) for c in self.choices]
        else:
            out.update(min=self.low, max=self.high, step=self.step or 1)
        return out


def _pairs(values: Iterable[str]) -> tuple[tuple[str, str], ...]:
    return tuple((v, v) for v in values)


def setting(default: Any, **spec: Any) -> Any:
    """A dataclass field whose metadata is its `Spec`: the default is written once, here."""
    made = Spec(default=default, **spec)
    if isinstance(default, list):
        return field(default_factory=lambda: copy.deepcopy(default), metadata={"spec": made})
    return field(default=default, metadata={"spec": made})


@dataclass(frozen=True)
class BlockType:
    """One kind of CNN block: its fields (with the builder's defaults) and what it does to the
    shape. The rule itself is `block_output`; `shape` says it in words for the builder."""

    label: str
    fields: dict[str, Spec]
    shape: str

    def as_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "shape": self.shape,
            "fields": {n: s.as_json() for n, s in self.fields.items()},
        }


MAX_BLOCKS = 24
BLOCKS: dict[str, BlockType] = {
    "conv": BlockType(
        "convolution",
        {
            "channels": Spec(16, 1, 128),
            "kernel": Spec(3, 1, 9),
            "stride": Spec(1, 1, 4),
            "padding": Spec(1, 0, 4),
        },
        "C×H×W → channels × ((H + 2·padding − kernel) // stride + 1) × (same for W)",
    ),
    "activation": BlockType(
        "activation", {"fn": Spec("relu", choices=_pairs(ACTIVATIONS))}, "keeps the shape"
    ),
    "batchnorm": BlockType("batch norm", {}, "keeps the shape"),
    "pool": BlockType(
        "pooling",
        {"kind": Spec("max", choices=_pairs(POOLS)), "size": Spec(2, 2, 4)},
        "C×H×W → C × (H // size) × (W // size)",
    ),
    "dropout": BlockType("dropout", {"p": Spec(0.25, 0.0, 0.9, step=0.05)}, "keeps the shape"),
    "dense": BlockType("dense", {"units": Spec(64, 1, 1024)}, "anything → units (flattens first)"),
}
BLOCK_TYPES = tuple(BLOCKS)
# What every network takes and gives: one grey 28x28 digit in, a score per class out (the
# classifier after the blocks). The estimate and the model builder both start from here.
CNN_INPUT: tuple[int, int, int] = (1, 28, 28)
CNN_CLASSES = 10


def block_output(index: int, block: Mapping[str, Any], shape: tuple[int, ...]) -> tuple[int, ...]:
    """The output shape of one block given its input: (C, H, W) before the first dense layer,
    (features,) from then on. The estimate and the model builder both walk the network with it."""
    t, flat = block["type"], len(shape) == 1
    if t == "conv":
        if flat:
            raise ShapeError(index, "a convolution cannot follow a dense layer")
        k, s, p = block["kernel"], block["stride"], block["padding"]
        h, w = (shape[1] + 2 * p - k) // s + 1, (shape[2] + 2 * p - k) // s + 1
        if h < 1 or w < 1:
            raise ShapeError(index, f"a {k}x{k} kernel does not fit a {shape[1]}x{shape[2]} input")
        return (block["channels"], h, w)
    if t == "pool":
        if flat:
            raise ShapeError(index, "pooling cannot follow a dense layer")
        size = block["size"]
        if size > shape[1] or size > shape[2]:
            raise ShapeError(
                index, f"a {size}x{size} pool does not fit a {shape[1]}x{shape[2]} input"
            )
        return (shape[0], shape[1] // size, shape[2] // size)
    if t == "dense":
        return (block["units"],)
    return shape


def clean_block(index: int, block: Any) -> dict[str, Any]:
    """One block checked against its type's fields: missing or unknown fields are errors."""
    where = f"Block {index + 1}"
    if not isinstance(block, dict) or block.get("type") not in BLOCKS:
        raise ValueError(f"{where}: type must be one of {', '.join(BLOCKS)}.")
    specs = BLOCKS[block["type"]].fields
    missing = [name for name in specs if name not in block]
    if missing:
        raise ValueError(f"{where}: {', '.join(missing)} missing.")
    unknown = sorted(set(block) - set(specs) - {"type"})
    if unknown:
        raise ValueError(f"{where}: unknown field {', '.join(unknown)}.")
    return {"type": block["type"]} | {n: s.check(where, n, block[n]) for n, s in specs.items()}


def clean_blocks(blocks: Any) -> list[dict[str, Any]]:
    if not isinstance(blocks, list) or not blocks:
        raise ValueError("Give at least one block.")
    if len(blocks) > MAX_BLOCKS:
        raise ValueError(f"At most {MAX_BLOCKS} blocks.")
    return [clean_block(i, b) for i, b in enumerate(blocks)]


# Settings both experiments share, so their bounds are written once.
_LR = {"low": 1e-6, "high": 1.0, "label": "Learning rate"}
_BATCH = {"low": 1, "high": 512}
_EPOCHS = {"low": 1, "high": 50}
_SEED = {"low": 0, "high": 2**31 - 1}
_MAX_STEPS = {
    "low": 0,
    "high": 1_000_000,
    "optional": True,
    "help": "Stop after this many batches (0: no limit).",
}


@dataclass
class CnnConfig:
    blocks: list[dict[str, Any]] = setting(
        CNN_PRESETS["default"],
        help="The network as a JSON list of blocks (the builder fills this in).",
    )
    dataset: str = setting("mnist10k", choices=tuple(LABELS.items()))
    optimizer: str = setting("adam", choices=_pairs(OPTIMIZERS))
    lr: float = setting(0.002, **_LR)
    schedule: str = setting("cosine", choices=_pairs(SCHEDULES))
    # Measured (bench/train_cnn.py, 1 thread, README): batch 32 for 2 epochs reaches 98.05 %;
    # batches of 48-128 run 1.3-1.7x more images/s but end at 96.6-97.9 % after 2 epochs (fewer
    # steps). Two epochs, not five: the default run ends with results on a busy machine.
    batch_size: int = setting(32, **_BATCH)
    epochs: int = setting(2, **_EPOCHS)
    init: str = setting("default", choices=_pairs(INITS), label="Weight initialization")
    seed: int = setting(0, **_SEED)
    augment: bool = setting(False, help="Small random shifts and rotations.")
    max_steps: int = setting(0, **_MAX_STEPS)  # tests set a few steps
    train_subset: int = setting(
        0, low=0, high=60_000, optional=True, help="Train on only this many images (0: all)."
    )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CnnConfig:
        return cls(**_known(cls, data))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class TextConfig:
    cell: str = setting("lstm", choices=_pairs(CELLS))
    embedding: int = setting(32, low=2, high=256)
    hidden: int = setting(128, low=2, high=1024, label="Hidden size")
    layers: int = setting(1, low=1, high=4)
    dropout: float = setting(0.0, low=0.0, high=0.8)
    seq_len: int = setting(64, low=4, high=256, label="Sequence length")
    batch_size: int = setting(32, **_BATCH)
    clip: float = setting(
        1.0,
        low=0.0,
        high=100.0,
        label="Gradient clipping",
        help="Largest gradient norm (0: no clipping).",
    )
    optimizer: str = setting("adam", choices=_pairs(OPTIMIZERS))
    lr: float = setting(0.003, **_LR)
    # An epoch is one pass over the training text (~300k characters by default).
    epochs: int = setting(3, **_EPOCHS)
    seed: int = setting(0, **_SEED)
    max_steps: int = setting(0, **_MAX_STEPS)
    corpus: str = setting(
        "platform",
        choices=(
            ("platform", "The platform's glossary and lessons"),
            ("pasted", "Text I paste below"),
        ),
    )
    text: str = setting("")  # the pasted corpus when corpus == "pasted"; bounded in settings

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TextConfig:
        return cls(**_known(cls, data))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# Sampling a trained text model (the job page's "Continue the text"): the API's bounds and
# defaults and the page's controls are both read from here.
PROMPT_MAX_CHARS = 200
GENERATE: dict[str, Spec] = {
    "temperature": Spec(0.8, 0.05, 2.0, step=0.05, help="Lower means safer picks."),
    "length": Spec(200, 1, 500, help="How many characters to add."),
}


RunConfig = CnnConfig | TextConfig
CONFIGS: dict[str, type[CnnConfig] | type[TextConfig]] = {"cnn": CnnConfig, "text": TextConfig}


def specs(kind: str) -> dict[str, Spec]:
    """Each setting of the experiment, in the order the form shows them."""
    return {f.name: f.metadata["spec"] for f in fields(CONFIGS[kind])}


def defaults(kind: str) -> dict[str, Any]:
    """Each setting's default, as the API fills in the settings a request leaves out."""
    return {name: copy.deepcopy(spec.default) for name, spec in specs(kind).items()}


def unknown_keys(kind: str, keys: Iterable[str]) -> list[str]:
    names = {f.name for f in fields(CONFIGS[kind])}
    return sorted(k for k in keys if k not in names)


def _known(cls: type, data: Mapping[str, Any]) -> dict[str, Any]:
    """The data as constructor arguments; a key the schema lacks is an error, never dropped."""
    names = {f.name for f in fields(cls)}
    unknown = sorted(k for k in data if k not in names)
    if unknown:
        raise ConfigError({k: ["Unknown setting."] for k in unknown})
    return {k: copy.deepcopy(v) for k, v in data.items()}


def config_from(kind: str, data: Mapping[str, Any]) -> RunConfig:
    """A stored or already-validated dict as its dataclass (missing settings take the default)."""
    return CONFIGS[kind].from_dict(data)


def builder_schema() -> dict[str, Any]:
    """What the block builder's JavaScript needs, as JSON (the page embeds it with json_script)."""
    return {"maxBlocks": MAX_BLOCKS, "blocks": {t: b.as_json() for t, b in BLOCKS.items()}}
