"""Finding an export's files: the uploads/ tree, the media-library archive, and their addresses.

WordPress stores an upload under wp-content/uploads/ at the path its `_wp_attached_file` meta
names ("2019/03/photo.jpg"), with the size variants it made beside it ("photo-300x200.jpg",
wp-includes/class-wp-image-editor.php get_suffix; "photo-scaled.jpg" for a big original since
5.3, wp-admin/includes/image.php wp_create_image_subsizes). WordPress.com serves the same files
from https://<blog>.files.wordpress.com/2019/03/photo.jpg?w=300 and hands them over as an
uploads/ tree or a flat media-library archive, as a folder or a .zip. An attachment is found by
its path; by its name alone only when one file in the archive bears that name.
"""

import os
import re
import zipfile
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

UPLOADS_MARKER = "/wp-content/uploads/"
IMAGE_TYPES = {"jpg", "jpeg", "jpe", "png", "gif", "webp", "avif"}  # what the image library takes
# "-300x200", "-scaled", "-rotated" or an edit's "-e1552046912345" before the extension.
_VARIANT = re.compile(r"-(?:\d+x\d+|scaled|rotated|e\d{13})(?=\.\w+$)", re.I)
_MULTISITE = re.compile(r"^sites/\d+/")


def uploads_path(url: str) -> str | None:
    """The path below uploads/ that an address of an uploaded file names, or None.

    "https://old.example/wp-content/uploads/2019/03/a-300x200.jpg" -> "2019/03/a-300x200.jpg";
    relative addresses, multisite "uploads/sites/2/..." and WordPress.com's
    "https://blog.files.wordpress.com/2019/03/photo.jpg?w=300" work too (the query is dropped).
    """
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return None
    path = unquote(parts.path)
    if UPLOADS_MARKER in path:
        return _MULTISITE.sub("", path.split(UPLOADS_MARKER, 1)[1]) or None
    if (parts.hostname or "").endswith(".files.wordpress.com"):
        return path.lstrip("/") or None
    return None


def original_path(path: str) -> str:
    """The file a size variant was made from: "2019/03/photo-300x200.jpg" -> "2019/03/photo.jpg"."""
    while True:
        shorter = _VARIANT.sub("", path, count=1)
        if shorter == path:
            return path
        path = shorter


def extension(path: str) -> str:
    """ "2019/03/Photo.JPG" -> "jpg"."""
    return PurePosixPath(path).suffix.lower().lstrip(".")


def attachment_path(attached_file: str, attachment_url: str) -> str:
    """An attachment's path below uploads/: its `_wp_attached_file` meta, else its address's."""
    attached = (attached_file or "").strip().lstrip("/")
    if attached and not attached.startswith(("http://", "https://")):
        return _MULTISITE.sub("", attached)
    found = uploads_path(attachment_url)
    if found:
        return found
    return PurePosixPath(unquote(urlsplit(attachment_url or "").path)).name


class MediaDirError(ValueError):
    """--media-dir is neither a folder nor a readable .zip; the message says which."""


class MediaDir:
    """--media-dir: an uploads/ tree, a flat media-library folder, or a .zip of either.

    find("2019/03/photo.jpg") gives the file at that path (under any leading folders, such as
    "uploads/" or "wp-content/uploads/"), else the one file named "photo.jpg" when there is
    exactly one; ambiguous() says when there were several. open(found) opens it for reading.
    """

    def __init__(self, path):
        self.root = Path(path)
        if not self.root.exists():
            raise MediaDirError(f"The media folder {path} does not exist. Nothing was imported.")
        try:
            self.zip = zipfile.ZipFile(self.root) if self.root.is_file() else None
        except (zipfile.BadZipFile, OSError) as error:
            raise MediaDirError(
                f"The media archive {path} is not a readable .zip file ({error}). "
                "Nothing was imported."
            ) from error
        tails = defaultdict(set)
        self.by_name = defaultdict(list)
        for name in self._names():
            parts = PurePosixPath(name).parts
            # Every tail of two parts or more ("uploads/2019/03/a.jpg", "2019/03/a.jpg"), the
            # whole name always; a tail two files share names neither (None).
            for start in range(max(len(parts) - 1, 1)):
                tails["/".join(parts[start:])].add(name)
            self.by_name[parts[-1]].append(name)
        self.by_path = {tail: next(iter(n)) if len(n) == 1 else None for tail, n in tails.items()}

    def _names(self):
        if self.zip is not None:
            return [info.filename for info in self.zip.infolist() if not info.is_dir()]
        names = []
        for folder, _dirs, files in os.walk(self.root):
            base = Path(folder).relative_to(self.root).as_posix()
            names += [f if base == "." else f"{base}/{f}" for f in files]
        return names

    def find(self, path: str) -> str | None:
        """The archive's name for the file at path, or the only file with its name, or None."""
        if path in self.by_path:
            return self.by_path[path]  # None when two files end in this path
        same_name = self.by_name.get(PurePosixPath(path).name, [])
        return same_name[0] if len(same_name) == 1 else None

    def ambiguous(self, path: str) -> int:
        """How many files bear path's name when find() could not choose (else 0)."""
        if self.by_path.get(path):
            return 0
        count = len(self.by_name.get(PurePosixPath(path).name, []))
        return count if count > 1 else 0

    @contextmanager
    def open(self, name: str):
        """The file as a binary stream (a zip member is read as it is decompressed)."""
        handle = self.zip.open(name) if self.zip is not None else (self.root / name).open("rb")
        with handle:
            yield handle

    def close(self):
        """Close the archive (a folder needs nothing)."""
        if self.zip is not None:
            self.zip.close()
