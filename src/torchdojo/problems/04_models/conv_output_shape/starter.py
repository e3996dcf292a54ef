"""Output sizes of nn.Conv2d and nn.ConvTranspose2d, computed without running a convolution."""

IntOrPair = int | tuple[int, int]


def conv2d_out_shape(h: int, w: int, kernel: IntOrPair, stride: IntOrPair = 1,
                     padding: IntOrPair = 0, dilation: IntOrPair = 1) -> tuple[int, int]:
    """(H_out, W_out) of nn.Conv2d(..., kernel, stride, padding, dilation) on an (h, w) input."""
    # TODO: turn every int argument into an (h, w) pair
    # TODO: per axis: floor((n + 2p - d(k - 1) - 1) / s) + 1; ValueError if the kernel does not fit
    return (h, w)


def conv_transpose2d_out_shape(h: int, w: int, kernel: IntOrPair, stride: IntOrPair = 1,
                               padding: IntOrPair = 0, output_padding: IntOrPair = 0,
                               dilation: IntOrPair = 1) -> tuple[int, int]:
    """(H_out, W_out) of nn.ConvTranspose2d(..., kernel, stride, padding, output_padding,
    dilation=dilation) on an (h, w) input."""
    # TODO: per axis: (n - 1)s - 2p + d(k - 1) + output_padding + 1
    # TODO: ValueError if output_padding >= both stride and dilation, or the size is below 1
    return (h, w)
