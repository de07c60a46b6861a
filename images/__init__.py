"""Safe image uploads and their renditions, shared by articles, players and trophies.

Every uploaded image is checked (JPEG, PNG or WebP only; the real format must match the
extension; a file-size cap; a pixel cap well under Pillow's decompression-bomb limit), then
re-encoded by Pillow, which drops metadata and anything appended to the file. Renditions in
WebP and the original format at a few widths are made once when the image is saved, and pages
read their URLs from the row.
"""
