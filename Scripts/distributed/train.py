"""Trains a Lilt model with PyTorch DistributedDataParallel on a corpus exported by `lilt corpus export`.

    torchrun --standalone --nproc-per-node N Scripts/distributed/train.py --data DIR --out MODEL_DIR \
        [--minutes M] [--epochs E] [--resume]
    torchrun --nnodes N --nproc-per-node P --rdzv-backend c10d --rdzv-endpoint HOST:PORT \
        Scripts/distributed/train.py --data DIR --out MODEL_DIR ...

The model and the training are Lilt's (`lilt train`): the same LSTM (one-hot or embedding input, stacked
layers, dropout between layers and before the head, a dense head), the same B parallel streams of whole
songs with the state reset at `/` and truncated backpropagation over windows of T steps, the same song
order in every epoch, the loss averaged over the window's counted steps, global gradient-norm clipping,
Adam, a validation pass per epoch, early stopping and a time limit. The streams are split across ranks:
each rank runs its own streams and keeps their state, every rank runs every window, and DDP averages the
gradients, so a step on N ranks is the step Lilt makes on one machine. Gloo on CPU, NCCL on GPU.

Rank 0 writes MODEL_DIR/best.safetensors, latest.safetensors (each with .optimizer.safetensors),
metrics.csv and samples.txt in Lilt's formats: the model opens in `lilt studio`, `generate`, `score` and
`eval`, `lilt train --resume` continues a run of this script, and `--resume` here continues a run of
`lilt train`. The last line printed is JSON:
{"model": "MODEL_DIR/best.safetensors", "heldOutCrossEntropy": 0.81, "epochs": 12}.
"""

import argparse
import json
import math
import os
import signal
import sys
import time
import warnings

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")

import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch.nn.parallel import DistributedDataParallel  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lilt_format import (CorpusExport, LiltFileError, StreamLayout, optimizer_state_path,  # noqa: E402
                         read_safetensors, song_order, split_streams, write_safetensors)


class LiltLSTM(nn.Module):
    """Lilt's model, with its parameter names (`embedding.weight`, `lstm.weight_ih_l0`, …, `head.bias`).

    The recurrence runs step by step so that a stream's state is zeroed before every step whose input is
    `/`; within a window the gradient flows through the steps, and the state carried to the next window
    is detached (truncated backpropagation)."""

    def __init__(self, vocabulary, layers, hidden, embedding, dropout):
        super().__init__()
        self.vocabulary, self.layers, self.hidden, self.embedding_width = vocabulary, layers, hidden, embedding
        self.dropout = dropout
        self.embedding = nn.Embedding(vocabulary, embedding) if embedding > 0 else None
        self.lstm = nn.LSTM(embedding if embedding > 0 else vocabulary, hidden, layers)
        self.head = nn.Linear(hidden, vocabulary)

    def zero_state(self, streams, device):
        return [(torch.zeros(streams, self.hidden, device=device), torch.zeros(streams, self.hidden, device=device))
                for _ in range(self.layers)]

    def forward(self, inputs, resets, state):
        """inputs, resets [T, B]; state: per layer (h, c) [B, H]. Returns logits [T, B, V] and the new state."""
        keep = (~resets).to(torch.float32).unsqueeze(-1)
        x = self.embedding(inputs) if self.embedding is not None else None
        carried = []
        for layer in range(self.layers):
            w_ih = getattr(self.lstm, f"weight_ih_l{layer}")
            w_hh = getattr(self.lstm, f"weight_hh_l{layer}")
            bias = getattr(self.lstm, f"bias_ih_l{layer}") + getattr(self.lstm, f"bias_hh_l{layer}")
            # One-hot input: the input term of a step is the column of W_ih for its token.
            pre = F.embedding(inputs, w_ih.t()) + bias if x is None else F.linear(x, w_ih, bias)
            h, c = state[layer]
            outputs = []
            for t in range(inputs.shape[0]):
                h, c = h * keep[t], c * keep[t]
                i, f, g, o = torch.addmm(pre[t], h, w_hh.t()).chunk(4, 1)
                c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                h = torch.sigmoid(o) * torch.tanh(c)
                outputs.append(h)
            carried.append((h.detach(), c.detach()))
            x = torch.stack(outputs)
            if self.training and self.dropout > 0:
                x = F.dropout(x, self.dropout, training=True)
        return self.head(x), carried

    def config_json(self):
        return json.dumps({"layers": self.layers, "hidden": self.hidden, "embedding": self.embedding_width,
                           "dropout": self.dropout, "vocabularySize": self.vocabulary}, separators=(",", ":"))


class Totals:
    """Loss and accuracy sums over counted steps, all steps and onsets (Lilt's `WindowTotals`)."""
    FIELDS = ("loss", "count", "correct", "onsetLoss", "onsetCount", "onsetCorrect")

    def __init__(self, values=None):
        self.values = torch.zeros(6, dtype=torch.float64) if values is None else values

    def add(self, logits, losses, targets, onsets):
        """Adds a window: logits [N, V], per-row losses [N] (zero where the target is -1), targets [N]."""
        with torch.no_grad():
            wanted = targets.reshape(-1)
            counted = wanted >= 0
            logits, losses, wanted = logits[counted], losses[counted].double(), wanted[counted]
            right = (logits.argmax(1) == wanted).double()
            onset = onsets.to(wanted.device)[wanted].double()
            self.values += torch.stack([losses.sum(), torch.tensor(float(len(wanted)), dtype=torch.float64,
                                                                   device=losses.device),
                                        right.sum(), (losses * onset).sum(), onset.sum(),
                                        (right * onset).sum()]).cpu()

    def summed(self):
        values = self.values.clone()
        if dist.is_initialized():
            values = all_reduce(values)
        return Totals(values)

    def metrics(self):
        loss, count, correct, onset_loss, onset_count, onset_correct = self.values.tolist()
        return {"loss": loss / count if count else 0, "accuracy": correct / count if count else 0,
                "onsetLoss": onset_loss / onset_count if onset_count else 0,
                "onsetAccuracy": onset_correct / onset_count if onset_count else 0, "steps": int(count)}

    def json(self):
        loss, count, correct, onset_loss, onset_count, onset_correct = self.values.tolist()
        return {"loss": loss, "count": int(count), "correct": int(correct), "onsetLoss": onset_loss,
                "onsetCount": int(onset_count), "onsetCorrect": int(onset_correct)}


def all_reduce(tensor, op=None):
    """The sum (or `op`) over ranks; collectives run on the backend's device."""
    if not dist.is_initialized():
        return tensor
    device = "cuda" if dist.get_backend() == "nccl" else "cpu"
    moved = tensor.to(device)
    dist.all_reduce(moved, op=op or dist.ReduceOp.SUM)
    return moved.to(tensor.device)


def from_rank_zero(read):
    """What `read()` returns on rank 0, on every rank (files need not be on every node); a `LiltFileError`
    raised there is raised on every rank."""
    if not dist.is_initialized():
        return read()
    box = [None]
    if dist.get_rank() == 0:
        try:
            box[0] = ("value", read())
        except LiltFileError as error:
            box[0] = ("error", str(error))
    dist.broadcast_object_list(box, src=0)
    kind, value = box[0]
    if kind == "error":
        raise LiltFileError(value)
    return value


def gradient_norm_clip(parameters, max_norm):
    """Lilt's clipping: the global L2 norm (in double) and, above `max_norm`, a scale by max / (norm + 1e-6)."""
    grads = [p.grad for p in parameters if p.grad is not None]
    norm = math.sqrt(sum(float(g.double().pow(2).sum()) for g in grads))
    if max_norm is not None and math.isfinite(norm) and norm > max_norm:
        factor = max_norm / (norm + 1e-6)
        for g in grads:
            g.mul_(factor)
    return norm


class Run:
    """A training run on one rank: the corpus, the model, the optimizer and Lilt's progress record."""

    def __init__(self, args):
        self.args = args
        self.rank = dist.get_rank() if dist.is_initialized() else 0
        self.world = dist.get_world_size() if dist.is_initialized() else 1
        self.device = torch.device(args.device_name)
        self.data = CorpusExport(args.data)
        self.out = args.out
        self.latest = os.path.join(self.out, "latest.safetensors")
        self.best = os.path.join(self.out, "best.safetensors")
        saved = from_rank_zero(self.read_resume) if args.resume else None
        self.options = saved["options"] if saved else {
            "sequenceLength": args.seq, "batchSize": args.batch, "epochs": 20, "learningRate": args.lr,
            "schedule": {"constant": {}}, "seed": self.data.seed, "mode": "stateful",
            "validationFraction": self.data.validation_fraction, "threads": 2}
        if not saved:
            if args.clip > 0:
                self.options["clipNorm"] = args.clip
            if args.patience > 0:
                self.options["earlyStoppingPatience"] = args.patience
        if args.epochs is not None:
            self.options["epochs"] = args.epochs
        if args.minutes is not None:
            self.options["minutes"] = args.minutes
        self.batch, self.steps = self.options["batchSize"], self.options["sequenceLength"]
        if self.batch < self.world:
            raise LiltFileError(f"{args.data}: {self.batch} streams cannot be shared by {self.world} ranks "
                                f"(use --batch ≥ {self.world})")
        self.streams = split_streams(self.batch, self.world, self.rank)
        if saved:
            layers, hidden, embedding, dropout = saved["config"]
            model = LiltLSTM(len(self.data.vocabulary), layers, hidden, embedding, dropout)
            model.load_state_dict(saved["model"], strict=True)
        else:
            torch.manual_seed(self.data.seed)
            model = LiltLSTM(len(self.data.vocabulary), args.layers, args.hidden, args.embedding, args.dropout)
        self.model = model.to(self.device)
        self.ddp = DistributedDataParallel(self.model) if dist.is_initialized() else self.model
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=self.options["learningRate"],
                                          betas=(0.9, 0.999), eps=1e-8)
        self.progress = {"epoch": 1, "nextWindow": 0, "epochTotals": Totals().json(), "epochSeconds": 0.0,
                         "elapsedSeconds": 0.0, "learningRate": self.options["learningRate"], "bestEpoch": 0,
                         "epochsSinceBest": 0, "epochsSincePlateauCut": 0, "passes": 0, "adamStep": 0}
        self.history = []
        self.state = self.model.zero_state(len(self.streams), self.device)
        if saved:
            self.apply_saved(saved)
        self.stop_requested = False

    # -- resume ------------------------------------------------------------------------------------------

    def read_resume(self):
        """The run saved in MODEL_DIR/latest.safetensors (by Lilt or by this script), checked against the data."""
        tensors, metadata = read_safetensors(self.latest)
        state_path = optimizer_state_path(self.latest)
        state_tensors, state_metadata = read_safetensors(state_path)
        if metadata.get("lilt.vocabulary") != self.data.checkpoint_metadata["lilt.vocabulary"]:
            raise LiltFileError(f"{self.latest}: its vocabulary is not the vocabulary of {self.data.path} "
                                f"(the model was trained on another corpus or encoding)")
        try:
            trainer = json.loads(state_metadata["lilt.trainer"])
        except (KeyError, ValueError):
            raise LiltFileError(f"{state_path}: no readable lilt.trainer metadata") from None
        options = trainer["options"]
        if options.get("mode", "stateful") != "stateful":
            raise LiltFileError(f"{state_path}: a run in {options['mode']} mode (this script trains stateful streams)")
        if options["seed"] != self.data.seed or abs(options["validationFraction"] - self.data.validation_fraction) > 1e-12:
            raise LiltFileError(f"{state_path}: split with seed {options['seed']} and held-out share "
                                f"{options['validationFraction']}, but {self.data.path} was exported with seed "
                                f"{self.data.seed} and {self.data.validation_fraction} (export again with those)")
        config = json.loads(metadata.get("lilt.config", "{}"))
        layers = sum(1 for name in tensors if name.startswith("lstm.weight_ih_l"))
        hidden = tensors["lstm.weight_hh_l0"].shape[1]
        embedding = tensors["embedding.weight"].shape[1] if "embedding.weight" in tensors else 0
        dropout = float(config.get("dropout", 0))
        names = set(LiltLSTM(len(self.data.vocabulary), layers, hidden, embedding, dropout).state_dict())
        if set(tensors) != names:
            raise LiltFileError(f"{self.latest}: tensors {sorted(set(tensors) ^ names)} do not fit a "
                                f"{layers} × {hidden} model")
        return {"model": tensors, "config": (layers, hidden, embedding, dropout), "options": options, "progress": trainer["progress"], "history": trainer["history"],
                "tensors": state_tensors, "path": state_path}

    def apply_saved(self, saved):
        self.progress = saved["progress"]
        self.history = saved["history"]
        parameters = list(self.model.parameters())
        total = sum(p.numel() for p in parameters)
        m, v = saved["tensors"].get("adam.m"), saved["tensors"].get("adam.v")
        if m is None or v is None or m.numel() != total or v.numel() != total:
            raise LiltFileError(f"{saved['path']}: adam.m / adam.v missing or not {total} values")
        if self.progress["adamStep"] > 0:
            offset = 0
            for p in parameters:
                n = p.numel()
                self.optimizer.state[p] = {
                    "step": torch.tensor(float(self.progress["adamStep"])),
                    "exp_avg": m[offset:offset + n].reshape(p.shape).to(self.device).clone(),
                    "exp_avg_sq": v[offset:offset + n].reshape(p.shape).to(self.device).clone()}
                offset += n
        for layer in range(self.model.layers):
            pair = []
            for kind in ("h", "c"):
                name = f"state.{kind}_l{layer}"
                values = saved["tensors"].get(name)
                if values is None or tuple(values.shape) != (self.batch, self.model.hidden):
                    raise LiltFileError(f"{saved['path']}: {name} missing or not [{self.batch}, {self.model.hidden}]")
                pair.append(values[self.streams.start:self.streams.stop].to(self.device).clone())
            self.state[layer] = tuple(pair)

    # -- saving (rank 0 writes; every rank takes part in gathering the state) ----------------------------

    def gathered_state(self):
        """The carried state of every stream, [B, H] per layer and kind, from all ranks."""
        rows = -(-self.batch // self.world)
        result = []
        for h, c in self.state:
            for tensor in (h, c):
                padded = torch.zeros(rows, self.model.hidden, device=self.device)
                padded[:tensor.shape[0]] = tensor
                if dist.is_initialized():
                    parts = [torch.zeros_like(padded) for _ in range(self.world)]
                    dist.all_gather(parts, padded)
                else:
                    parts = [padded]
                pieces = [parts[r][:len(split_streams(self.batch, self.world, r))] for r in range(self.world)]
                result.append(torch.cat(pieces).cpu())
        return result

    def metadata(self):
        metadata = dict(self.data.checkpoint_metadata)
        metadata["lilt.format"] = "1"
        metadata["lilt.config"] = self.model.config_json()
        metadata["lilt.history"] = json.dumps(self.history, separators=(",", ":"))
        backend = dist.get_backend() if dist.is_initialized() else "none"
        metadata["lilt.trainedWith"] = (f"Scripts/distributed/train.py, PyTorch {torch.__version__}, "
                                        f"{self.world} rank{'s' if self.world > 1 else ''} ({backend})")
        return metadata

    def save(self, path):
        state = self.gathered_state()
        if self.rank != 0:
            return
        parameters = [(name, p) for name, p in self.model.named_parameters()]
        write_safetensors(path, parameters, self.metadata())
        moments = {"exp_avg": [], "exp_avg_sq": []}
        for _, p in parameters:
            slot = self.optimizer.state.get(p, {})
            for key in moments:
                moments[key].append(slot[key].reshape(-1).cpu() if key in slot else torch.zeros(p.numel()))
        tensors = [("adam.m", torch.cat(moments["exp_avg"])), ("adam.v", torch.cat(moments["exp_avg_sq"]))]
        for index, values in enumerate(state):
            tensors.append((f"state.{'h' if index % 2 == 0 else 'c'}_l{index // 2}", values))
        trainer = {"progress": self.progress, "options": self.options, "history": self.history}
        write_safetensors(optimizer_state_path(path), tensors,
                          {"lilt.trainer": json.dumps(trainer, separators=(",", ":"))})

    def write_metrics(self):
        if self.rank != 0:
            return
        lines = ["epoch,train_loss,train_accuracy,train_onset_loss,train_onset_accuracy,validation_loss,"
                 "validation_accuracy,validation_onset_loss,validation_onset_accuracy,learning_rate,"
                 "steps_per_second,seconds,best"]
        for e in self.history:
            v = e.get("validation")
            cells = [str(e["epoch"])] + [f"{e['train'][k]:.6f}" for k in ("loss", "accuracy", "onsetLoss", "onsetAccuracy")]
            cells += [f"{v[k]:.6f}" if v else "" for k in ("loss", "accuracy", "onsetLoss", "onsetAccuracy")]
            cells += [repr(float(e["learningRate"])), f"{e['stepsPerSecond']:.1f}", f"{e['seconds']:.3f}",
                      "1" if e["isBest"] else "0"]
            lines.append(",".join(cells))
        path = os.path.join(self.out, "metrics.csv")
        with open(path + ".tmp", "w", encoding="utf-8") as file:
            file.write("\n".join(lines) + "\n")
        os.replace(path + ".tmp", path)

    def write_sample(self, epoch, steps=64):
        """A melody sampled from `/` at temperature 1, appended to samples.txt as tokens."""
        if self.rank != 0:
            return
        generator = torch.Generator().manual_seed(epoch)
        self.model.eval()
        with torch.no_grad():
            state = self.model.zero_state(1, self.device)
            token, tokens = self.data.end_of_song, []
            for _ in range(steps):
                inputs = torch.tensor([[token]], device=self.device)
                logits, state = self.model(inputs, inputs == self.data.end_of_song, state)
                token = int(torch.multinomial(torch.softmax(logits[0, 0].float().cpu(), 0), 1, generator=generator))
                if token == self.data.end_of_song:
                    break
                tokens.append(self.data.vocabulary[token])
        self.model.train()
        with open(os.path.join(self.out, "samples.txt"), "a", encoding="utf-8") as file:
            file.write(f"epoch {epoch}: {' '.join(tokens)}\n")

    # -- training -------------------------------------------------------------------------------------------

    def window_tensors(self, layout, window):
        inputs, targets, resets = layout.window(window, self.steps, self.streams)
        return inputs.to(self.device), targets.to(self.device), resets.to(self.device)

    def validate(self):
        """Loss over the held-out songs: streams by the same rule, from a zero state, no dropout (each song
        scored from `/` as `lilt eval` scores it)."""
        layout = StreamLayout(self.data.songs, self.data.held_out, self.data.end_of_song, self.batch)
        totals = Totals()
        self.model.eval()
        with torch.no_grad():
            state = self.model.zero_state(len(self.streams), self.device)
            for window in range(layout.window_count(self.steps)):
                inputs, targets, resets = self.window_tensors(layout, window)
                logits, state = self.model(inputs, resets, state)
                flat = logits.reshape(-1, logits.shape[-1])
                losses = F.cross_entropy(flat, targets.reshape(-1), ignore_index=-1, reduction="none")
                totals.add(flat, losses, targets, self.data.onsets)
        self.model.train()
        return totals.summed()

    def should_stop(self, steps_this_run):
        limit = self.options.get("minutes")
        flag = self.stop_requested or (limit is not None and self.progress["elapsedSeconds"] >= limit * 60) \
            or (self.args.max_steps is not None and steps_this_run >= self.args.max_steps)
        return bool(all_reduce(torch.tensor([1.0 if flag else 0.0]), dist.ReduceOp.MAX if dist.is_initialized() else None)[0])

    def train(self):
        if self.rank == 0:
            os.makedirs(self.out, exist_ok=True)
            if not self.args.resume:
                # A new run: nothing of an earlier run in the folder may pass for this one's.
                for name in ("best", "latest"):
                    for path in (os.path.join(self.out, f"{name}.safetensors"),
                                 optimizer_state_path(os.path.join(self.out, f"{name}.safetensors"))):
                        if os.path.exists(path):
                            os.remove(path)
                for name in ("metrics.csv", "samples.txt"):
                    if os.path.exists(os.path.join(self.out, name)):
                        os.remove(os.path.join(self.out, name))
        steps_this_run = 0
        self.say(f"training on '{self.data.name}': {len(self.data.training)} training songs, "
                 f"{len(self.data.held_out)} held out; {self.model.layers} × LSTM {self.model.hidden}, "
                 f"{'embedding ' + str(self.model.embedding_width) if self.model.embedding_width else 'one-hot'}, "
                 f"dropout {self.model.dropout}; T {self.steps}, B {self.batch} over {self.world} rank(s)")
        reason = "finished"
        while self.progress["epoch"] <= self.options["epochs"]:
            epoch = self.progress["epoch"]
            layout = StreamLayout(self.data.songs, song_order(self.data.training, self.data.seed, epoch),
                                  self.data.end_of_song, self.batch)
            windows = layout.window_count(self.steps)
            if self.progress["nextWindow"] == 0:
                self.state = self.model.zero_state(len(self.streams), self.device)
            for group in self.optimizer.param_groups:
                group["lr"] = self.progress["learningRate"]
            totals = Totals(torch.tensor([float(self.progress["epochTotals"][k]) for k in Totals.FIELDS],
                                         dtype=torch.float64)) if self.rank == 0 else Totals()
            while self.progress["nextWindow"] < windows:
                if self.should_stop(steps_this_run):
                    self.progress["epochTotals"] = totals.summed().json()
                    self.save(self.latest)
                    return self.finish("stopped")
                window = self.progress["nextWindow"]
                started = time.perf_counter()
                inputs, targets, resets = self.window_tensors(layout, window)
                counted = layout.counted(window, self.steps)
                logits, self.state = self.ddp(inputs, resets, self.state)
                flat = logits.reshape(-1, logits.shape[-1])
                losses = F.cross_entropy(flat, targets.reshape(-1), ignore_index=-1, reduction="none")
                loss_sum = losses.sum()
                # DDP averages gradients over ranks: scaled so that the average is ∂(mean over the window).
                (loss_sum * (self.world / max(counted, 1))).backward()
                norm = gradient_norm_clip(self.model.parameters(), self.options.get("clipNorm"))
                if not math.isfinite(norm) or not math.isfinite(float(loss_sum.detach())):
                    raise FloatingPointError(f"training diverged at epoch {epoch}, window {window + 1}: gradient "
                                             f"norm {norm}; the last checkpoint is kept — try a lower learning rate")
                self.optimizer.step()
                self.optimizer.zero_grad(set_to_none=True)
                totals.add(flat.detach(), losses.detach(), targets, self.data.onsets)
                seconds = time.perf_counter() - started
                self.progress["nextWindow"] += 1
                self.progress["epochSeconds"] += seconds
                self.progress["elapsedSeconds"] += seconds
                self.progress["passes"] += 1
                self.progress["adamStep"] += 1
                steps_this_run += 1
            train = totals.summed()
            validation = self.validate() if self.data.held_out else None
            summary = {"epoch": epoch, "train": train.metrics(),
                       "learningRate": self.progress["learningRate"],
                       "stepsPerSecond": windows * self.batch * self.steps / max(self.progress["epochSeconds"], 1e-9),
                       "seconds": self.progress["epochSeconds"], "isBest": False}
            if validation is not None:
                summary["validation"] = validation.metrics()
            score = (validation or train).metrics()["loss"]
            best = self.progress.get("bestValidationLoss")
            if best is None or score < best:
                self.progress.update(bestValidationLoss=score, bestEpoch=epoch, epochsSinceBest=0,
                                     epochsSincePlateauCut=0)
                summary["isBest"] = True
            else:
                self.progress["epochsSinceBest"] += 1
                self.progress["epochsSincePlateauCut"] += 1
            self.apply_schedule(epoch)
            self.history.append(summary)
            self.progress.update(epoch=epoch + 1, nextWindow=0, epochTotals=Totals().json(), epochSeconds=0.0)
            # Lilt saves the state after validation: zero, as the next epoch starts from zero.
            self.state = self.model.zero_state(len(self.streams), self.device)
            if summary["isBest"]:
                self.save(self.best)
            self.save(self.latest)
            self.write_metrics()
            self.write_sample(epoch)
            self.report(summary)
            patience = self.options.get("earlyStoppingPatience")
            if patience is not None and self.progress["epochsSinceBest"] >= patience:
                reason = f"stopped early: no better validation loss since epoch {self.progress['bestEpoch']}"
                break
        return self.finish(reason)

    def apply_schedule(self, epoch):
        schedule = self.options.get("schedule", {"constant": {}})
        if "step" in schedule:
            every, factor = schedule["step"]["epochs"], schedule["step"]["factor"]
            if every > 0 and epoch % every == 0:
                self.progress["learningRate"] *= factor
        elif "plateau" in schedule:
            plateau = schedule["plateau"]
            if self.progress["epochsSincePlateauCut"] >= plateau["patience"]:
                self.progress["learningRate"] = max(self.progress["learningRate"] * plateau["factor"],
                                                    plateau["minimum"])
                self.progress["epochsSincePlateauCut"] = 0

    def finish(self, reason):
        """Scores the best model on the held-out songs (loaded back from its file) and prints the JSON line."""
        if dist.is_initialized():
            dist.barrier()
        if self.rank == 0 and not os.path.exists(self.best) and os.path.exists(self.latest):
            # Stopped before the first epoch ended: the latest state is the best there is.
            for source, target in ((self.latest, self.best),
                                   (optimizer_state_path(self.latest), optimizer_state_path(self.best))):
                with open(source, "rb") as file:
                    data = file.read()
                with open(target + ".tmp", "wb") as file:
                    file.write(data)
                os.replace(target + ".tmp", target)
        if dist.is_initialized():
            dist.barrier()
        tensors = from_rank_zero(lambda: read_safetensors(self.best)[0])
        self.model.load_state_dict({name: t.to(self.device) for name, t in tensors.items()}, strict=True)
        held_out = self.validate().metrics() if self.data.held_out else None
        self.say(reason)
        self.say(json.dumps({"model": self.best, "heldOutCrossEntropy": held_out["loss"] if held_out else None,
                             "epochs": len(self.history)}))
        return held_out

    def report(self, summary):
        text = f"epoch {summary['epoch']}: train loss {summary['train']['loss']:.4f}"
        if "validation" in summary:
            v = summary["validation"]
            text += f", validation loss {v['loss']:.4f} (onsets {v['onsetLoss']:.4f}), accuracy {v['accuracy']:.3f}"
        text += f", {summary['seconds']:.1f} s, {summary['stepsPerSecond']:.0f} steps/s"
        self.say(text + ("  [best]" if summary["isBest"] else ""))

    def say(self, text):
        if self.rank == 0:
            print(text, flush=True)


def arguments():
    parser = argparse.ArgumentParser(
        description="Train a Lilt model with PyTorch DistributedDataParallel on a corpus exported by "
                    "`lilt corpus export` (launch with torchrun).")
    parser.add_argument("--data", required=True, help="the export folder (manifest.json and shards)")
    parser.add_argument("--out", required=True, help="the model folder to write (or to resume from)")
    parser.add_argument("--minutes", type=float, help="stop after this many minutes of training")
    parser.add_argument("--epochs", type=int, help="epochs at most (default 20)")
    parser.add_argument("--resume", action="store_true",
                        help="continue the run saved in --out (by this script or by `lilt train`)")
    parser.add_argument("--max-steps", type=int, help="stop after this many windows in this run (saving the latest)")
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--embedding", type=int, default=0, help="embedding width (0: one-hot input)")
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--seq", type=int, default=32, help="window length T (steps)")
    parser.add_argument("--batch", type=int, default=32, help="parallel streams B, over all ranks")
    parser.add_argument("--lr", type=float, default=3e-3, help="Adam's learning rate")
    parser.add_argument("--clip", type=float, default=5.0, help="largest gradient norm (0: no clipping)")
    parser.add_argument("--patience", type=int, default=5,
                        help="stop when validation has not improved for this many epochs (0: never)")
    parser.add_argument("--threads", type=int, help="CPU threads per rank (default: the cores shared by the ranks)")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    return parser.parse_args()


def main():
    args = arguments()
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    local_world = int(os.environ.get("LOCAL_WORLD_SIZE", 1))
    use_cuda = args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
    if use_cuda:
        torch.cuda.set_device(local_rank)
        args.device_name = f"cuda:{local_rank}"
    else:
        args.device_name = "cpu"
    torch.set_num_threads(args.threads or max(1, (os.cpu_count() or 1) // local_world))
    if "RANK" in os.environ and "WORLD_SIZE" in os.environ:
        dist.init_process_group("nccl" if use_cuda else "gloo")
    try:
        run = Run(args)

        def request_stop(number, frame):
            run.stop_requested = True
        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        run.train()
    except (LiltFileError, FloatingPointError) as error:
        if not dist.is_initialized() or dist.get_rank() == 0:
            print(f"error: {error}", file=sys.stderr, flush=True)
        code = 1
    else:
        code = 0
    if dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
    # Leave without the interpreter's finalization: gloo's worker threads, still referenced by DDP's
    # reducer, can abort the process ("terminate called without an active exception") while Python
    # tears down, turning a finished run into a failed one.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
