"""SSIM of each scan output against its source resized to the output's size.

Usage: ssim.py JOBS.json, where JOBS.json is a list of
{"key": ..., "source": PATH, "output": PATH}; prints
{key: {"ssim": S, "ssim_cm": S or null}} as JSON.

The reference is made by third-party code, not by the pipelines measured:
Pillow decodes the source, applies its EXIF orientation and resizes it with
Lanczos to exactly the output's width and height. Both images are compared as
luma (ITU-R BT.601, Pillow's "L"), with the parameters of Wang et al. (2004)
as scikit-image documents them: Gaussian window, sigma 1.5, no sample
covariance, data range 255.

"ssim" compares with the source's pixel values as stored. A source with an
embedded ICC profile gets a second score, "ssim_cm", against the source
converted to sRGB through that profile (Pillow's ImageCms, LittleCMS), as a
browser shows it: browsers colour-manage when they decode, so their outputs
(and the peer's) are closer to that reference. Run by `cargo xtask bench-web scan` with the
tools' Python (tools/requirements.txt pins the versions).
"""

import json
import sys

import io

import numpy as np
from PIL import Image, ImageCms, ImageOps
from skimage.metrics import structural_similarity

# The 48 MP input is over Pillow's default decompression-bomb threshold
# warning; it is our own file.
Image.MAX_IMAGE_PIXELS = 200_000_000


def luma(image):
    return np.asarray(image.convert("L"), dtype=np.float64)


def flatten(image):
    """Transparent parts on white, as a page is printed."""
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, image).convert("RGB")
    return image


def ssim(reference, output):
    return round(
        float(
            structural_similarity(
                luma(reference),
                luma(output),
                data_range=255,
                gaussian_weights=True,
                sigma=1.5,
                use_sample_covariance=False,
            )
        ),
        5,
    )


def to_srgb(image, icc):
    """The image through its ICC profile into sRGB, or None if LittleCMS
    cannot use the profile."""
    source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    mode = "L" if source.profile.xcolor_space.strip() == "GRAY" else "RGB"
    srgb = ImageCms.createProfile("sRGB")
    try:
        return ImageCms.profileToProfile(image.convert(mode), source, srgb, outputMode="RGB")
    except ImageCms.PyCMSError:
        return None


def score(source_path, output_path):
    output = Image.open(output_path)
    output.load()
    opened = Image.open(source_path)
    icc = opened.info.get("icc_profile")
    source = flatten(ImageOps.exif_transpose(opened))
    plain = ssim(source.resize(output.size, Image.Resampling.LANCZOS), output)
    managed = None
    managed_source = to_srgb(source, icc) if icc else None
    if managed_source is not None:
        managed = ssim(managed_source.resize(output.size, Image.Resampling.LANCZOS), output)
    return {"ssim": plain, "ssim_cm": managed}


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        jobs = json.load(f)
    scores = {}
    for job in jobs:
        scores[job["key"]] = score(job["source"], job["output"])
    json.dump(scores, sys.stdout)


if __name__ == "__main__":
    main()
