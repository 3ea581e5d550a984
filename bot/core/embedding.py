"""Dense sentence vectors for wording that differs: the word vectors shipped inside the `wordllama`
package (256 dimensions, its own tokenizer), averaged over a text's tokens as that model does.

Read from the installed package's own files: nothing is fetched at run time, and the package's
import-time set-up (which also looks for files online when a path is missing) is not run.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Sequence
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.core.errors import QuotecheckError

if TYPE_CHECKING:
    from tokenizers import Tokenizer

# One query's few dozen texts tokenise faster on the calling thread than spread over a thread pool
# (and a busy machine makes the pool slower still); read by the tokenizer at each batch.
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

_PACKAGE = "wordllama"
_WEIGHTS = "weights/l2_supercat_256.safetensors"
_TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"


class EmbeddingUnavailable(QuotecheckError, RuntimeError):
    """The model's files are not installed."""


def _package_dir() -> Path:
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingUnavailable(f"the {_PACKAGE} package is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


class SentenceEmbedder:
    """Unit-length sentence vectors; loads the model's 32 MB of vectors on first use (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._vectors: np.ndarray | None = None
        self._tokenizer: Tokenizer | None = None
        self._word_tokens: dict[str, list[int]] = {}  # word → its tokens (words of indexed statements)

    @property
    def dimensions(self) -> int:
        self._load()
        assert self._vectors is not None
        return int(self._vectors.shape[1])

    def _load(self) -> None:
        if self._vectors is not None:
            return
        with self._lock:
            if self._vectors is not None:
                return
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer

            base = _package_dir()
            weights, config = base / _WEIGHTS, base / _TOKENIZER
            if not weights.exists() or not config.exists():
                raise EmbeddingUnavailable(f"{_PACKAGE} does not ship {_WEIGHTS} and {_TOKENIZER}")
            tokenizer = Tokenizer.from_file(str(config))
            tokenizer.no_padding()
            tokenizer.no_truncation()
            self._tokenizer = tokenizer
            self._vectors = np.ascontiguousarray(load_file(str(weights))["embedding.weight"], dtype=np.float32)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text (a zero vector for a text with no tokens), shape (len(texts), dims)."""
        self._load()
        assert self._vectors is not None and self._tokenizer is not None
        vectors = self._vectors
        out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
        if not texts:
            return out
        # The fast batch skips character offsets, which pooling does not need (3-5x faster).
        encode = getattr(self._tokenizer, "encode_batch_fast", self._tokenizer.encode_batch)
        encodings = encode(list(texts), add_special_tokens=False)
        tokens = [e.ids for e in encodings]
        self._pool(tokens, out)
        return _unit(out)

    def embed_words(self, texts: Sequence[str]) -> np.ndarray:
        """`embed` of texts made of words joined by single spaces (matching keys): the same vectors,
        with each distinct word tokenised once and kept. The model's tokens never span a space (a
        space starts a token), so a text's tokens are its words' tokens one after the other."""
        self._load()
        assert self._vectors is not None and self._tokenizer is not None
        out = np.zeros((len(texts), self._vectors.shape[1]), dtype=np.float32)
        if not texts:
            return out
        known = self._word_tokens
        plain = [bool(t) and t[0] != " " and t[-1] != " " and "  " not in t for t in texts]
        split = [t.split(" ") if ok else [] for t, ok in zip(texts, plain)]
        new = list({w for words in split for w in words if w not in known})
        if new:
            encode = getattr(self._tokenizer, "encode_batch_fast", self._tokenizer.encode_batch)
            known.update(zip(new, (e.ids for e in encode(new, add_special_tokens=False))))
        tokens: list[list[int]] = []
        for text, ok, words in zip(texts, plain, split):
            if ok:
                ids: list[int] = []
                for w in words:
                    ids += known[w]
                tokens.append(ids)
            else:
                tokens.append(self._tokenizer.encode(text, add_special_tokens=False).ids if text else [])
        self._pool(tokens, out)
        return _unit(out)

    def _pool(self, tokens: list[list[int]], out: np.ndarray) -> None:
        """Each text's token vectors summed into its row of `out`, in one pass over the tokens."""
        assert self._vectors is not None
        lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
        ids = np.fromiter(chain.from_iterable(tokens), dtype=np.int64, count=int(lengths.sum()))
        filled = np.flatnonzero(lengths)
        if len(filled):
            starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))[filled]
            out[filled] = np.add.reduceat(self._vectors[ids], starts, axis=0)


def _unit(out: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    unit: np.ndarray = out / norms
    return unit
