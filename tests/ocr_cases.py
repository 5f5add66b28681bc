"""OCR cases shared by the tests and bench/ocr.py, each a scanned PDF with the text it should read.

- The corpus scans (image-only PDFs of corpus/documents): their known text is the text PDF that
  corpus/build.py rasterised to make them, rebuilt from their source in corpus/src.
- Simulated scans of corpus text pages: the page rendered at a scanner's resolution (200 dpi), turned
  slightly (skew), softened, with grain, JPEG-compressed, and wrapped in an image-only PDF; the known
  text is the text layer of the original page.

Loaded by path (tests/ is not a package): ``load_cases()`` below in the tests, or importlib in the bench.
"""

from __future__ import annotations

import importlib.util
import io
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
DOCUMENTS = CORPUS / "documents"

SCANS = {  # image-only PDFs of the corpus -> their source
    "deliberations/2024/DEL-2024-049_denomination-voies-clos-des-vergnes.pdf":
        "src/deliberations/DEL-2024-049_denomination-voies-clos-des-vergnes.md",
    "rh/notes-de-service/NS-2025-09_consignes-canicule-ete-2025_scan.pdf": "src/rh/ns-2025-09-canicule.md",
}
SIMULATED = [  # corpus text pages (PDF, 1-based page) turned into 200 dpi skewed scans
    ("deliberations/2024/DEL-2024-037_tarifs-restauration-scolaire.pdf", 1),
    ("deliberations/2024/DEL-2024-045_creation-poste-adjoint-technique.pdf", 2),
    ("rh/notes-de-service/NS-2025-12_procedure-declaration-accident-de-service.pdf", 1),
]
ACCENTED = "éèàçœêâîôûù"


@dataclass
class Case:
    name: str
    pdf: Path  # the scanned (image-only) PDF
    reference: list[str]  # known text of each page


def _build_module():
    """corpus/build.py, imported by path (it is a script)."""
    name = "passeur_corpus_build"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, CORPUS / "build.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def pdf_text(data: bytes | Path) -> list[str]:
    import pypdf

    stream = io.BytesIO(data) if isinstance(data, bytes) else str(data)
    return [page.extract_text() or "" for page in pypdf.PdfReader(stream).pages]


def corpus_scan(out: str) -> Case:
    """A corpus scan and the text of the page images it was made from."""
    build = _build_module()
    source = build.parse_source((CORPUS / SCANS[out]).resolve())
    return Case(Path(out).stem, DOCUMENTS / out, pdf_text(build.render_pdf_bytes(source)))


def simulate_scan(pdf: Path, page: int, *, dpi: int = 200, angle: float = 0.8, seed: int = 7):
    """Page ``page`` (1-based) of a text PDF as a scanner would give it: a grayscale PIL image at ``dpi``,
    turned by ``angle`` degrees, slightly blurred, with paper grain, through JPEG (quality 70)."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    document = pdfium.PdfDocument(str(pdf))
    try:
        handle = document[page - 1]
        image = handle.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        handle.close()
    finally:
        document.close()
    image = image.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=250)
    image = image.filter(ImageFilter.GaussianBlur(0.5))
    pixels = np.asarray(image, dtype=np.float32)
    pixels = pixels + np.random.default_rng(seed).normal(0.0, 6.0, size=pixels.shape)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")
    jpeg = io.BytesIO()
    image.save(jpeg, format="JPEG", quality=70)
    jpeg.seek(0)
    return Image.open(jpeg).convert("L")


def image_pdf(images: list, path: Path, dpi: int = 200) -> Path:
    """An image-only PDF (no text layer) with one page per image, sized for ``dpi``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    first, *rest = images
    first.save(path, format="PDF", resolution=float(dpi), save_all=True, append_images=rest)
    return path


def simulated_case(out: str, page: int, folder: Path, *, dpi: int = 200, angle: float = 0.8) -> Case:
    source = DOCUMENTS / out
    scan = image_pdf([simulate_scan(source, page, dpi=dpi, angle=angle)],
                     folder / f"{source.stem}_p{page}_scan{dpi}.pdf", dpi)
    return Case(f"{source.stem} p{page} ({dpi} dpi, {angle}°)", scan, [pdf_text(source)[page - 1]])


_SOUP = "¤¦¬¯¶¢¥¨©®"


def garbage_layer_pdf(image, text: str, path: Path, dpi: int = 200) -> Path:
    """A scan whose invisible text layer is symbol soup (a font without a Unicode map): every letter of
    ``text`` is drawn, invisibly, as a symbol over the page image."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    width, height = image.width * 72 / dpi, image.height * 72 / dpi
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    buf.seek(0)
    c = canvas.Canvas(str(path), pagesize=(width, height), invariant=1)
    c.drawImage(ImageReader(buf), 0, 0, width=width, height=height)
    layer = c.beginText(50, height - 60)
    layer.setTextRenderMode(3)  # invisible, as OCR layers are
    layer.setFont("Helvetica", 10)
    for line in text.splitlines():
        layer.textLine("".join(_SOUP[ord(ch) % len(_SOUP)] if ch.isalnum() else ch for ch in line))
    c.drawText(layer)
    c.showPage()
    c.save()
    return path


def accents(text: str) -> dict[str, int]:
    return {ch: text.count(ch) for ch in ACCENTED if ch in text}
