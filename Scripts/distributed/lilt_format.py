"""Lilt's files and rules, read and written without Lilt: the corpus export (`lilt corpus export`), model
and training-state checkpoints (safetensors with Lilt's metadata), the song order of each epoch (Lilt's
seeded shuffle, bit for bit) and the stream layout of stateful truncated backpropagation.

Every error names the file it is about.
"""

import ctypes
import heapq
import json
import math
import os
import struct
import sys

import torch

if sys.byteorder != "little":
    raise SystemExit("Lilt's files are little-endian; this script runs on little-endian machines only")

EXPORT_FORMAT = "lilt.corpus-export"
EXPORT_VERSION = 1
MASK64 = (1 << 64) - 1


class LiltFileError(Exception):
    """A file that cannot be used: the message names it and says why."""


# ---------------------------------------------------------------------------------------------------------
# The corpus export

def read_npy(path, dtype):
    """A one-dimensional .npy array of `dtype` ('<i4' or '<i8') as a torch tensor."""
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        raise LiltFileError(f"{path}: cannot read: {error.strerror}") from None
    if data[:6] != b"\x93NUMPY" or len(data) < 10:
        raise LiltFileError(f"{path}: not a .npy file")
    major = data[6]
    if major == 1:
        (length,), start = struct.unpack("<H", data[8:10]), 10
    else:
        (length,), start = struct.unpack("<I", data[8:12]), 12
    header = data[start:start + length].decode("latin-1")
    expected = f"'descr': '{dtype}'"
    if expected not in header or "'fortran_order': False" not in header:
        raise LiltFileError(f"{path}: expected a {dtype} array, the header says {header.strip()}")
    shape = header.split("'shape': (")[1].split(")")[0]
    count = int(shape.rstrip(",").strip() or 0)
    size = 4 if dtype == "<i4" else 8
    payload = data[start + length:]
    if len(payload) != count * size:
        raise LiltFileError(f"{path}: holds {len(payload)} bytes of values, its header says {count} × {size}")
    if count == 0:
        return torch.zeros(0, dtype=torch.int32 if size == 4 else torch.int64)
    return torch.frombuffer(bytearray(payload), dtype=torch.int32 if size == 4 else torch.int64).clone()


class CorpusExport:
    """An exported corpus: the manifest and every song's tokens (without the closing `/`)."""

    def __init__(self, directory):
        self.directory = directory
        path = os.path.join(directory, "manifest.json")
        try:
            with open(path, encoding="utf-8") as file:
                manifest = json.load(file)
        except OSError as error:
            raise LiltFileError(f"{path}: cannot read: {error.strerror} (make one with `lilt corpus export`)") from None
        except json.JSONDecodeError as error:
            raise LiltFileError(f"{path}: not JSON: {error}") from None
        if not isinstance(manifest, dict) or manifest.get("format") != EXPORT_FORMAT:
            raise LiltFileError(f"{path}: not a Lilt corpus export (format {manifest.get('format')!r})")
        if manifest.get("version") != EXPORT_VERSION:
            raise LiltFileError(f"{path}: export version {manifest.get('version')}, this script reads version "
                                f"{EXPORT_VERSION} (export again with this Lilt, or use the matching script)")
        for key in ("corpus", "vocabulary", "endOfSong", "split", "counts", "shards", "checkpointMetadata"):
            if key not in manifest:
                raise LiltFileError(f"{path}: no '{key}'")
        self.path = path
        self.manifest = manifest
        self.name = manifest["corpus"]
        self.vocabulary = list(manifest["vocabulary"])
        self.end_of_song = int(manifest["endOfSong"])
        self.seed = int(manifest["split"]["seed"])
        self.validation_fraction = float(manifest["split"]["validationFraction"])
        self.training = [int(i) for i in manifest["split"]["training"]]
        self.held_out = [int(i) for i in manifest["split"]["heldOut"]]
        self.checkpoint_metadata = dict(manifest["checkpointMetadata"])
        self.songs = []
        for shard in manifest["shards"]:
            tokens_path = os.path.join(directory, shard["tokens"])
            offsets_path = os.path.join(directory, shard["offsets"])
            for needed in (tokens_path, offsets_path):
                if not os.path.exists(needed):
                    raise LiltFileError(f"{needed}: missing (listed in {path})")
            tokens = read_npy(tokens_path, "<i4").long()
            offsets = read_npy(offsets_path, "<i8")
            if len(offsets) != shard["songs"] + 1 or len(tokens) != shard["tokenCount"]:
                raise LiltFileError(f"{tokens_path}: {len(tokens)} tokens and {len(offsets) - 1} songs, the manifest "
                                    f"says {shard['tokenCount']} and {shard['songs']}")
            if len(self.songs) != shard["firstSong"]:
                raise LiltFileError(f"{tokens_path}: starts at song {shard['firstSong']}, expected {len(self.songs)}")
            if len(tokens) and (int(tokens.min()) < 0 or int(tokens.max()) >= len(self.vocabulary)):
                raise LiltFileError(f"{tokens_path}: a token outside the vocabulary 0..<{len(self.vocabulary)}")
            bounds = offsets.tolist()
            for k in range(len(bounds) - 1):
                self.songs.append(tokens[bounds[k]:bounds[k + 1]])
        if len(self.songs) != manifest["counts"]["songs"]:
            raise LiltFileError(f"{path}: the shards hold {len(self.songs)} songs, the counts say "
                                f"{manifest['counts']['songs']}")
        # Onsets: targets that start a note or a rest (everything but `/` and `_`).
        self.onsets = torch.tensor([token not in ("/", "_") for token in self.vocabulary])


# ---------------------------------------------------------------------------------------------------------
# Lilt's random numbers: xoshiro256** seeded through SplitMix64, and Swift's shuffle

class SeededGenerator:
    def __init__(self, seed):
        def split_mix(index):
            z = (seed + index * 0x9E3779B97F4A7C15) & MASK64
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
            return z ^ (z >> 31)
        self.s = [split_mix(1), split_mix(2), split_mix(3), split_mix(4)]

    def next(self):
        s0, s1, s2, s3 = self.s
        rotated = ((s1 * 5) & MASK64)
        result = ((((rotated << 7) | (rotated >> 57)) & MASK64) * 9) & MASK64
        t = (s1 << 17) & MASK64
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = ((s3 << 45) | (s3 >> 19)) & MASK64
        self.s = [s0, s1, s2, s3]
        return result

    def below(self, bound):
        """A uniform integer in [0, bound): Lemire's nearly divisionless method, as Swift's `next(upperBound:)`."""
        product = self.next() * bound
        if product & MASK64 < bound:
            threshold = ((1 << 64) - bound) % bound
            while product & MASK64 < threshold:
                product = self.next() * bound
        return product >> 64


def swift_shuffled(items, generator):
    """`items.shuffled(using: &generator)` as Swift's standard library does it."""
    result = list(items)
    amount, current = len(result), 0
    while amount > 1:
        j = current + generator.below(amount)
        amount -= 1
        result[current], result[j] = result[j], result[current]
        current += 1
    return result


def song_order(training, seed, epoch):
    """The training songs' order in `epoch` (1-based), as Lilt's trainer draws it."""
    return swift_shuffled(training, SeededGenerator(seed ^ ((epoch * 0x9E3779B97F4A7C15) & MASK64)))


# ---------------------------------------------------------------------------------------------------------
# Streams

class StreamLayout:
    """B parallel streams over songs, Lilt's rule: each song preceded by `/`, given (in order) to the
    shortest stream so far (the first of equals), one more `/` closing each stream, shorter streams padded
    with -1 (no loss). Input at step t is token t, target token t + 1; a stream's state is zeroed before
    every step whose input is `/`."""

    def __init__(self, songs, order, end_of_song, batch):
        lengths = [(0, b) for b in range(batch)]
        members = [[] for _ in range(batch)]
        for index in order:
            length, b = heapq.heappop(lengths)
            members[b].append(index)
            heapq.heappush(lengths, (length + 1 + len(songs[index]), b))
        totals = [sum(1 + len(songs[i]) for i in m) + (1 if m else 0) for m in members]
        longest = max(totals) if totals else 0
        self.length = max(longest - 1, 0)
        self.batch = batch
        self.streams = torch.full((batch, max(longest, 1)), -1, dtype=torch.long)
        eos = torch.tensor([end_of_song])
        for b, m in enumerate(members):
            if not m:
                continue
            pieces = []
            for index in m:
                pieces += [eos, songs[index]]
            pieces.append(eos)
            row = torch.cat(pieces)
            self.streams[b, :len(row)] = row
        self.end_of_song = end_of_song

    def window_count(self, steps):
        return (self.length + steps - 1) // steps

    def window(self, index, steps, streams):
        """Inputs, targets and resets [T, len(streams)] of window `index` for the streams `streams` (a range)."""
        start = index * steps
        count = min(steps, self.length - start)
        tokens = self.streams[streams.start:streams.stop, start:start + count + 1].t()
        inputs = tokens[:count].clone()
        padding = inputs < 0
        inputs[padding] = self.end_of_song
        targets = tokens[1:count + 1].clone()
        targets[padding] = -1
        resets = inputs == self.end_of_song
        return inputs, targets, resets

    def counted(self, index, steps):
        """Targets with a loss in window `index`, over every stream."""
        start = index * steps
        count = min(steps, self.length - start)
        tokens = self.streams[:, start:start + count + 1]
        return int(((tokens[:, :count] >= 0) & (tokens[:, 1:count + 1] >= 0)).sum())


def split_streams(batch, ranks, rank):
    """Rank `rank`'s streams of `batch`: contiguous ranges, as even as they can be."""
    return range(batch * rank // ranks, batch * (rank + 1) // ranks)


# ---------------------------------------------------------------------------------------------------------
# safetensors

def write_safetensors(path, tensors, metadata):
    """Writes F32 `tensors` (a list of (name, tensor)) and string `metadata` to `path` atomically."""
    header = {"__metadata__": {key: metadata[key] for key in sorted(metadata)}}
    offset, blobs = 0, []
    for name, tensor in tensors:
        data = tensor_bytes(tensor)
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    temporary = os.path.join(os.path.dirname(path) or ".", f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as file:
            file.write(struct.pack("<Q", len(text)))
            file.write(text)
            for blob in blobs:
                file.write(blob)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as error:
        try:
            os.remove(temporary)
        except OSError:
            pass
        raise LiltFileError(f"{path}: cannot write: {error.strerror}") from None


def tensor_bytes(tensor):
    """The float32 values of `tensor`, little-endian, as bytes (without NumPy)."""
    values = tensor.detach().to("cpu", torch.float32).contiguous()
    return ctypes.string_at(values.data_ptr(), values.numel() * 4) if values.numel() else b""


def read_safetensors(path):
    """(tensors by name, metadata) of an F32 safetensors file."""
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        raise LiltFileError(f"{path}: cannot read: {error.strerror}") from None
    if len(data) < 8:
        raise LiltFileError(f"{path}: truncated")
    (length,) = struct.unpack("<Q", data[:8])
    if 8 + length > len(data):
        raise LiltFileError(f"{path}: truncated header")
    try:
        header = json.loads(data[8:8 + length])
    except ValueError:
        raise LiltFileError(f"{path}: the header is not JSON") from None
    metadata = header.pop("__metadata__", {}) or {}
    payload = memoryview(data)[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if entry.get("dtype") != "F32":
            raise LiltFileError(f"{path}: tensor {name}: dtype {entry.get('dtype')} (only F32 is read)")
        begin, end = entry["data_offsets"]
        shape = entry["shape"]
        if end > len(payload) or end - begin != 4 * math.prod(shape):
            raise LiltFileError(f"{path}: tensor {name}: data_offsets do not fit its shape {shape}")
        values = torch.frombuffer(bytearray(payload[begin:end]), dtype=torch.float32) if end > begin \
            else torch.zeros(0)
        tensors[name] = values.reshape(shape).clone()
    return tensors, metadata


def optimizer_state_path(model_path):
    """`NAME.optimizer.safetensors` beside `NAME.safetensors`."""
    base = model_path[:-len(".safetensors")] if model_path.endswith(".safetensors") else model_path
    return base + ".optimizer.safetensors"
