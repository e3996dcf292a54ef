"""Tiny datasets written in their true on-disk formats, seeded, for probes and tests.

Real datasets (CIFAR-10, MNIST, COCO) cannot be downloaded where torchdojo runs: grading is
offline and sandboxed. These modules write a few images' worth of each dataset in exactly the
layout and file format of the real thing, so the code a learner writes for the real files
(``torchvision.datasets.CIFAR10``/``MNIST``, a COCO JSON parser) runs unchanged on them:

- :mod:`torchdojo.datagen.cifar`: ``cifar-10-batches-py/`` python pickles, plus a ``CIFAR10``
  subclass without the md5 checks (the tiny files cannot match the real checksums).
- :mod:`torchdojo.datagen.mnist`: IDX files (``train-images-idx3-ubyte`` ...) under
  ``root/MNIST/raw``.
- :mod:`torchdojo.datagen.coco`: a mini COCO ``instances`` JSON and the PNG images it names.
- :mod:`torchdojo.datagen.digits`: not generated: scikit-learn's bundled 8x8 handwritten digits
  (real data), read from the package's CSV without importing scikit-learn.

Every writer takes a target directory (a probe passes ``tempfile.mkdtemp()``) and a seed, and
returns what was written (paths and the arrays), so a test can check the reader against it.
Only :mod:`~torchdojo.datagen.cifar` imports torchvision (for the subclass); the others need
NumPy and Pillow alone.
"""
