"""Issue 17 point 10: /favicon.ico, asked for by the browser on every page, is an icon."""

import struct


def test_the_favicon_is_an_ico_file_not_a_404(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    body = response.content
    reserved, kind, count = struct.unpack("<HHH", body[:6])
    assert (reserved, kind, count) == (0, 1, 1)
    width, height, *_rest, length, offset = struct.unpack("<BBBBHHII", body[6:22])
    assert (width, height) == (16, 16)
    assert offset + length == len(body)
