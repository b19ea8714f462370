#!/usr/bin/env python3
"""The PyTorch side of bench/training-speed.bench.mjs (issue 17): the same models, batch and loop in PyTorch.

Models (the same architectures as src/trainer/models, synthetic data of the same shapes):
  mlp          784-256-256-10 relu, softmax cross-entropy (digits-shaped data)
  cnn          conv 3x3 valid 8 + relu + maxpool 2, conv 3x3 valid 16 + relu + maxpool 2, flatten, dense 10
               (28x28x1 inputs, softmax cross-entropy)
  transformer  the paper preset: 6 post-LN layers, d 64, 4 heads, ff 256, 12 tokens, vocabulary 16;
               x0 = sqrt(d) (E[tok] + P), fused qkv projection, scaled dot-product attention written out
               (q k^T, softmax, p v: the same kernels our native step runs), relu FFN, per-token cross-entropy
Every step: gather the batch by index from a fixed data set, forward, loss, backward, torch.optim.RAdam
step, and the loss read back (loss.item()), as our trainer does.

A child process of the Node bench, talking JSON lines on stdin/stdout:
  {"type": "round", "steps": N}  ->  {"type": "round", "median": ms, "mean": ms, "n": k, "cpuPerStep": ms}
  {"type": "exit"}
Arguments: --model mlp|cnn|transformer --batch B --threads T. The thread count is fixed for the process
(torch.set_num_threads / set_num_interop_threads before any op), like TF's.
Standalone: python3 bench/training-speed-torch.py --model transformer --batch 32 --threads 1 --standalone 5
"""
import argparse
import warnings
import json
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(784, 256)
        self.l2 = nn.Linear(256, 256)
        self.l3 = nn.Linear(256, 10)

    def forward(self, x):
        return self.l3(F.relu(self.l2(F.relu(self.l1(x)))))


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 8, 3)
        self.c2 = nn.Conv2d(8, 16, 3)
        self.fc = nn.Linear(16 * 5 * 5, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        return self.fc(torch.flatten(x, 1))


class EncoderLayer(nn.Module):
    def __init__(self, d, heads, ff):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)
        self.norm1 = nn.LayerNorm(d, eps=1e-5)
        self.ff1 = nn.Linear(d, ff)
        self.ff2 = nn.Linear(ff, d)
        self.norm2 = nn.LayerNorm(d, eps=1e-5)

    def forward(self, x):
        b, l, d = x.shape
        h = self.heads
        dk = d // h
        q, k, v = self.qkv(x).view(b, l, 3, h, dk).permute(2, 0, 3, 1, 4).unbind(0)
        p = torch.softmax((q * (1.0 / math.sqrt(dk))) @ k.transpose(-1, -2), dim=-1)
        ctx = (p @ v).transpose(1, 2).reshape(b, l, d)
        x = self.norm1(x + self.out(ctx))
        return self.norm2(x + self.ff2(F.relu(self.ff1(x))))


class Transformer(nn.Module):
    def __init__(self, vocabulary=16, length=12, d=64, heads=4, ff=256, layers=6):
        super().__init__()
        self.d = d
        self.tokens = nn.Parameter(torch.randn(vocabulary, d) / math.sqrt(d))
        self.positions = nn.Parameter(torch.randn(length, d) / math.sqrt(d))
        self.layers = nn.ModuleList([EncoderLayer(d, heads, ff) for _ in range(layers)])
        self.logits = nn.Linear(d, vocabulary)

    def forward(self, ids):
        x = math.sqrt(self.d) * (self.tokens[ids] + self.positions)
        for layer in self.layers:
            x = layer(x)
        return self.logits(x)


def setup(model_name, batch):
    g = torch.Generator().manual_seed(1)
    n = 4096
    if model_name == 'transformer':
        model = Transformer()
        x = torch.randint(0, 16, (n, 12), generator=g)
        y = torch.flip(x, dims=[1])  # the reverse task
        optimizer = torch.optim.RAdam(model.parameters(), lr=3e-3, betas=(0.9, 0.99), eps=1e-8)

        def loss_of(xb, yb):
            return F.cross_entropy(model(xb).reshape(-1, 16), yb.reshape(-1))
    else:
        model = Mlp() if model_name == 'mlp' else Cnn()
        shape = (n, 784) if model_name == 'mlp' else (n, 1, 28, 28)
        x = torch.rand(shape, generator=g)
        y = torch.randint(0, 10, (n,), generator=g)
        optimizer = torch.optim.RAdam(model.parameters(), lr=1e-3)

        def loss_of(xb, yb):
            return F.cross_entropy(model(xb), yb)

    at = [0]
    stride = 7919

    def step():
        idx = (torch.arange(batch) * stride + at[0]) % n
        at[0] += batch
        xb, yb = x[idx], y[idx]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_of(xb, yb)
        loss.backward()
        optimizer.step()
        return loss.item()  # read back every step, as our trainer does

    return step


def round_of(step, steps, budget_ms=float('inf'), skip=3):
    """Up to `steps` steps, stopping early (after at least 4) once `budget_ms` has passed: two OpenMP threads
    on a loaded 2-core machine can take seconds per step, and the round must still end. The first `skip`
    steps are left out of the median when there are enough."""
    durations = []
    c0 = time.process_time()
    t0 = time.perf_counter()
    for i in range(steps):
        t = time.perf_counter()
        step()
        durations.append((time.perf_counter() - t) * 1000)
        if i >= 3 and (time.perf_counter() - t0) * 1000 > budget_ms:
            break
    cpu = (time.process_time() - c0) * 1000
    d = durations[skip:] if len(durations) > skip + 3 else durations[1:]
    return {'median': statistics.median(d), 'mean': sum(d) / len(d), 'n': len(d), 'cpuPerStep': cpu / len(durations)}


def main():
    warnings.filterwarnings('ignore', message='Failed to initialize NumPy')
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', required=True, choices=['mlp', 'cnn', 'transformer'])
    ap.add_argument('--batch', type=int, required=True)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--standalone', type=int, default=0, help='run this many rounds of 60 steps and print them')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(1)
    step = setup(a.model, a.batch)
    t0 = time.perf_counter()
    for _ in range(10):  # warm-up: 10 steps or 3 s
        step()
        if time.perf_counter() - t0 > 3:
            break
    if a.standalone:
        for _ in range(a.standalone):
            print(json.dumps(round_of(step, 60)))
        return
    print(json.dumps({'type': 'ready', 'torch': torch.__version__, 'threads': torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        m = json.loads(line)
        if m['type'] == 'round':
            print(json.dumps({'type': 'round', **round_of(step, m['steps'], m.get('budgetMs') or float('inf'))}), flush=True)
        elif m['type'] == 'count':
            print(json.dumps({'type': 'count'}), flush=True)
        elif m['type'] == 'exit':
            return


if __name__ == '__main__':
    main()
