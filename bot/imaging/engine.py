"""OCR engines behind one small interface: pieces of text with their boxes, from an RGB picture.

`RapidOcrEngine` runs the PP-OCR detection and recognition models that the `rapidocr-onnxruntime`
wheel carries inside it (nothing is downloaded at run time). Other engines (Tesseract where the
system has it) would implement the same `OcrEngine` protocol.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

from bot.core.errors import QuotecheckError
from bot.core.image_text import OcrPiece

# Text detection runs on the picture shrunk to this many pixels on its longer side: quote cards and
# screenshots keep their letters legible at this size, and detection time grows with the area.
DETECTION_SIDE = 736


class OcrUnavailable(QuotecheckError, RuntimeError):
    """No OCR engine is installed (the `images` extra)."""


class OcrEngine(Protocol):
    """Reads the text of an RGB picture (a Pillow image)."""

    name: str

    def read(self, image: Any) -> list[OcrPiece]:
        """Every piece of text found, with its box and the engine's confidence."""
        ...


class RapidOcrEngine:
    """PP-OCRv4 through ONNX Runtime (CPU); the models are loaded once, on first use."""

    name = "rapidocr"

    def __init__(self, detection_side: int = DETECTION_SIDE) -> None:
        self.detection_side = detection_side
        self._engine: Any = None
        self._lock = threading.Lock()

    def _loaded(self) -> Any:
        with self._lock:
            if self._engine is None:
                try:
                    from rapidocr_onnxruntime import RapidOCR
                except ImportError as exc:
                    raise OcrUnavailable("reading pictures needs the `images` extra (pip install 'quotecheck[images]')") from exc
                # No angle classifier: cards are upright or nearly so, and it costs a pass per line.
                # One thread: measured on 2 busy cores, 1.4 s a card against 3.2 s with a thread per
                # core (which spin waiting for each other), and the other core stays free for the bot.
                self._engine = RapidOCR(det_limit_type="max", det_limit_side_len=self.detection_side, use_cls=False,
                                        intra_op_num_threads=1, inter_op_num_threads=1)
            return self._engine

    def read(self, image: Any) -> list[OcrPiece]:
        import numpy as np

        engine = self._loaded()
        pixels = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])  # the engine expects BGR
        found, _ = engine(pixels)
        pieces = []
        for box, text, score in found or ():
            xs = [float(point[0]) for point in box]
            ys = [float(point[1]) for point in box]
            pieces.append(OcrPiece(str(text), min(xs), min(ys), max(xs), max(ys), float(score)))
        return pieces

