"""The native anchor of `npm run bench`: one training step of the lab's nets in PyTorch on the CPU.

    python3 scripts/bench-native.py '<specs JSON>' [--batch 64] [--threads 1] [--max-steps 20] [--max-ms 4000]

The specs come from the app's model registry (bench.ts passes them), so both sides time the same
nets: 3x3 convs with ReLU, a 2x2 max-pool after every `convsPerPool`-th conv, then the ReLU dense
layers and a linear output layer of 10 logits. A step is what the app's trainStep does: a forward
pass, soft-label cross-entropy (-sum y * log_softmax), the backward pass and one Adam update at
1e-3, on random inputs and one-hot targets. Threads default to 1, as the WASM backend runs.

Prints one JSON object: torch's version, the threads, and per model its parameter count (bench's
test compares it with the registry's), ms per step (mean after 3 warm-up steps) and the steps timed.
Exits 3 with a message on stderr when torch is missing, so the bench can say "not available".
"""

import json
import sys
import time

try:
    import torch
    import torch.nn as nn
except ImportError as e:  # the bench reports it and goes on
    print(f"torch is not installed: {e}", file=sys.stderr)
    sys.exit(3)

WARMUP_STEPS = 3


def option(name, default):
    args = sys.argv[2:]
    return type(default)(args[args.index(f"--{name}") + 1]) if f"--{name}" in args else default


def build(spec, side=28, channels=1, classes=10):
    layers = []
    for i, filters in enumerate(spec["conv"]):
        padding = 1 if spec["padding"] == "same" else 0
        layers += [nn.Conv2d(channels, filters, 3, padding=padding), nn.ReLU()]
        side = side if padding else side - 2
        channels = filters
        if spec["convsPerPool"] > 0 and (i + 1) % spec["convsPerPool"] == 0:
            layers.append(nn.MaxPool2d(2))
            side //= 2
    layers.append(nn.Flatten())
    width = side * side * channels
    for units in spec["dense"]:
        layers += [nn.Linear(width, units), nn.ReLU()]
        width = units
    layers.append(nn.Linear(width, classes))
    return nn.Sequential(*layers)


def time_model(spec, batch, max_steps, max_ms):
    torch.manual_seed(1)
    model = build(spec)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(batch, 1, 28, 28)
    y = nn.functional.one_hot(torch.randint(0, 10, (batch,)), 10).float()

    def step():
        t0 = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss = -(y * torch.log_softmax(model(x), dim=1)).sum(dim=1).mean()
        loss.backward()
        optimizer.step()
        loss.item()  # as the app awaits the loss
        return (time.perf_counter() - t0) * 1000

    for _ in range(WARMUP_STEPS):
        step()
    total, steps = 0.0, 0
    while steps < max_steps and (steps < 2 or total < max_ms):
        total += step()
        steps += 1
    return {
        "model": spec["id"],
        "parameters": sum(p.numel() for p in model.parameters()),
        "msPerStep": total / steps,
        "timedSteps": steps,
    }


def main():
    specs = json.loads(sys.argv[1])
    threads = option("threads", 1)
    torch.set_num_threads(threads)
    batch = option("batch", 64)
    results = [time_model(s, batch, option("max-steps", 20), option("max-ms", 4000.0)) for s in specs]
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "batch": batch, "results": results}))


if __name__ == "__main__":
    main()
