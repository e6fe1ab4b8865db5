"""modules.images: the host's reader of an image's infotext (a Pillow image in, the text out)."""


def read_info_from_image(image):
    return image.info.get("parameters"), {}
