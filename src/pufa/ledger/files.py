"""Checking and storing evidence files (佐证材料).

A file's type is decided by its content (the `filetype` signatures, and Pillow for images), never by its
name: an executable renamed to 照片.jpg is refused. Accepted files are stored under random names in
MEDIA_ROOT, which no URL serves; the ledger's evidence view hands them out after the selector allowed it.
"""

from __future__ import annotations

import io
import secrets
import warnings
from dataclasses import dataclass
from typing import IO, Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGES = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp"}
VIDEOS = {
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "video/x-m4v": ".m4v",
    "video/3gpp": ".3gp",
    "video/webm": ".webm",
}
DOCUMENTS = {
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-powerpoint": ".ppt",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/vnd.oasis.opendocument.text": ".odt",
}
ALLOWED = {**IMAGES, **VIDEOS, **DOCUMENTS}
ALLOWED_LABEL = "照片（JPG、PNG、GIF、WebP）、视频（MP4、MOV）、PDF、Word、Excel、PPT 文档"
THUMBNAIL_SIZE = (480, 480)


@dataclass(frozen=True)
class CheckedFile:
    mime: str
    extension: str
    size: int

    @property
    def is_image(self) -> bool:
        return self.mime in IMAGES

    @property
    def is_video(self) -> bool:
        return self.mime in VIDEOS


def max_bytes() -> int:
    return int(settings.PUFA_UPLOAD_MAX_MB) * 1024 * 1024


def _size(upload: Any) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    upload.seek(0)
    return int(size)


def check_batch(uploads: list[Any]) -> None:
    """Refuse more files, or more bytes in all, than one request may carry (PUFA_UPLOAD_MAX_FILES,
    PUFA_UPLOAD_MAX_TOTAL_MB): each file's own limit alone let one form take 100 files of 50 MB."""
    if len(uploads) > settings.PUFA_UPLOAD_MAX_FILES:
        raise ValidationError(
            f"一次最多上传{settings.PUFA_UPLOAD_MAX_FILES}个文件，本次选择了{len(uploads)}个。请分批上传。"
        )
    total = sum(_size(upload) for upload in uploads)
    if total > int(settings.PUFA_UPLOAD_MAX_TOTAL_MB) * 1024 * 1024:
        raise ValidationError(
            f"一次上传的文件合计不能超过{settings.PUFA_UPLOAD_MAX_TOTAL_MB} MB，"
            f"本次共{total / 1024 / 1024:.1f} MB。请分批上传。"
        )


def check(upload: IO[bytes], name: str = "") -> CheckedFile:
    """Refuse a file that is too big, of a type not on the list, or an image Pillow cannot read.

    Raises ValidationError with a Chinese message naming the file.
    """
    label = f"“{name}”" if name else "文件"
    size = _size(upload)
    if size == 0:
        raise ValidationError(f"{label}是空文件。")
    if size > max_bytes():
        raise ValidationError(f"{label}超过 {settings.PUFA_UPLOAD_MAX_MB} MB 的大小限制。")
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None:
        raise ValidationError(f"{label}无法识别文件类型。可以上传：{ALLOWED_LABEL}。")
    if kind.mime not in ALLOWED:
        raise ValidationError(f"{label}的实际类型（{kind.extension}）不允许上传。可以上传：{ALLOWED_LABEL}。")
    if kind.mime in IMAGES:
        _verify_image(upload, label)
    return CheckedFile(mime=kind.mime, extension=ALLOWED[kind.mime], size=size)


def _verify_image(upload: IO[bytes], label: str) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(f"{label}不是完整有效的图片。") from exc
    except Image.DecompressionBombWarning as exc:
        raise ValidationError(f"{label}的像素过多，请缩小后上传。") from exc
    finally:
        upload.seek(0)


def storage_name(extension: str, folder: str = "evidence") -> str:
    """A random name under ledger/<folder>/YYYY/MM/: nothing of the user's file name reaches the disk."""
    today = timezone.localdate()
    return f"ledger/{folder}/{today:%Y/%m}/{secrets.token_hex(16)}{extension}"


def thumbnail(upload: IO[bytes]) -> ContentFile | None:
    """A small JPEG of a photo, upright (EXIF orientation applied) and without its metadata (no GPS)."""
    try:
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail(THUMBNAIL_SIZE)
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=80)
    except (OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    return ContentFile(buffer.getvalue())
