"""Output sizes of nn.Conv2d and nn.ConvTranspose2d, computed without running a convolution.

Along one axis a convolution slides a dilated kernel of extent d * (k - 1) + 1 over the padded
input of size n + 2p in steps of s; the number of positions is floor((n + 2p - extent) / s) + 1.
A transposed convolution maps sizes the other way: (n - 1) * s - 2p + extent + output_padding.
Every argument may be one int for both axes or an (h, w) pair, as in torch.
"""

IntOrPair = int | tuple[int, int]


def _pair(v: IntOrPair) -> tuple[int, int]:
    """3 -> (3, 3); (3, 5) -> (3, 5)."""
    if isinstance(v, int):
        return (v, v)
    a, b = v
    return (int(a), int(b))


def conv2d_out_shape(h: int, w: int, kernel: IntOrPair, stride: IntOrPair = 1,
                     padding: IntOrPair = 0, dilation: IntOrPair = 1) -> tuple[int, int]:
    """(H_out, W_out) of nn.Conv2d(..., kernel, stride, padding, dilation) on an (h, w) input."""
    out = []
    # one axis at a time: (height, kernel_h, stride_h, ...), then the same for the width
    for n, k, s, p, d in zip((h, w), _pair(kernel), _pair(stride), _pair(padding),
                             _pair(dilation), strict=True):
        extent = d * (k - 1) + 1  # the dilated kernel covers this many input positions
        room = n + 2 * p - extent  # how far it can slide inside the padded input
        if room < 0:
            raise ValueError(f"kernel extent {extent} is larger than the padded input {n + 2 * p}")
        out.append(room // s + 1)  # floor division: a partial last step does not count
    return (out[0], out[1])


def conv_transpose2d_out_shape(h: int, w: int, kernel: IntOrPair, stride: IntOrPair = 1,
                               padding: IntOrPair = 0, output_padding: IntOrPair = 0,
                               dilation: IntOrPair = 1) -> tuple[int, int]:
    """(H_out, W_out) of nn.ConvTranspose2d(..., kernel, stride, padding, output_padding,
    dilation=dilation) on an (h, w) input."""
    out = []
    for n, k, s, p, op, d in zip((h, w), _pair(kernel), _pair(stride), _pair(padding),
                                 _pair(output_padding), _pair(dilation), strict=True):
        # output_padding picks one of the s input sizes that a stride-s conv maps to n
        if op >= s and op >= d:
            raise ValueError(f"output_padding {op} must be smaller than stride {s} or dilation {d}")
        size = (n - 1) * s - 2 * p + d * (k - 1) + op + 1
        if size < 1:
            raise ValueError(f"the output would have size {size}")
        out.append(size)
    return (out[0], out[1])
