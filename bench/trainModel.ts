// The train bench's reference network: examples/candidates/reference-8bit.json (or the same net built in), as a
// tfjs-layers model, and the equivalent PyTorch script for the optional CPU reference.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import type { Candidate, Layer } from '../src/space/candidate.js';

const conv = (filters: number): Layer => ({
  kind: 'conv',
  filters,
  kernelSize: 3,
  stride: 1,
  padding: 'same',
  maxPool: { size: 2, stride: 2 },
  weightBits: 8,
  activationBits: 8,
  pe: 8,
  simd: 8,
});

/** conv 32/64/128 3x3 same, each with a 2x2 max pool, then dense 10, on 32x32x3: the built-in fallback. */
export const BUILT_IN_REFERENCE: Candidate = {
  input: { height: 32, width: 32, channels: 3, bits: 8 },
  layers: [
    conv(32),
    conv(64),
    conv(128),
    { kind: 'dense', units: 10, weightBits: 8, activationBits: 8, pe: 1, simd: 16 },
  ],
};

export const loadReferenceCandidate = (root: string): Candidate & { source?: string } => {
  const path = join(root, 'examples', 'candidates', 'reference-8bit.json');
  if (!existsSync(path)) return { ...BUILT_IN_REFERENCE, source: 'built-in' };
  // The file is the shared candidate format; the bench reads only the fields it builds from.
  const candidate = JSON.parse(readFileSync(path, 'utf8')) as Candidate;
  return { ...candidate, source: 'examples/candidates/reference-8bit.json' };
};

export const describeReference = (candidate: Candidate & { source?: string }): Record<string, unknown> => ({
  source: candidate.source ?? 'given',
  model:
    "'wasm', 'cpu', 'parallel2': the engine's buildModel (8-bit fake quant, batch norm, PACT/ReLU); 'wasmFloat': the same layers as a float tfjs-layers net, which the PyTorch reference mirrors",
  layers: candidate.layers.map((l) =>
    l.kind === 'conv'
      ? `conv ${l.filters} ${l.kernelSize}x${l.kernelSize}/${l.stride} ${l.padding}${l.maxPool ? ` +maxpool ${l.maxPool.size}` : ''}`
      : `dense ${l.units}`,
  ),
  optimizer: 'adam 1e-3, softmax cross-entropy',
});

/** A float tfjs-layers model of the candidate: conv → ReLU (→ max pool), flatten, dense → ReLU, last dense softmax. */
export const buildBenchModel = async (candidate: Candidate): Promise<tfl.LayersModel> => {
  const model = tfl.sequential();
  const { height, width, channels } = candidate.input;
  let first = true;
  let flattened = false;
  candidate.layers.forEach((layer, index) => {
    const last = index === candidate.layers.length - 1;
    const inputShape = first ? { inputShape: [height, width, channels] } : {};
    first = false;
    if (layer.kind === 'conv') {
      model.add(
        tfl.layers.conv2d({
          ...inputShape,
          filters: layer.filters,
          kernelSize: layer.kernelSize,
          strides: layer.stride,
          padding: layer.padding,
          activation: 'relu',
        }),
      );
      if (layer.maxPool)
        model.add(tfl.layers.maxPooling2d({ poolSize: layer.maxPool.size, strides: layer.maxPool.stride }));
      return;
    }
    if (!flattened) model.add(tfl.layers.flatten(inputShape));
    flattened = true;
    model.add(tfl.layers.dense({ units: layer.units, activation: last ? 'softmax' : 'relu' }));
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return model;
};

/**
 * PyTorch CPU reference of the built-in net: argv batch, batches, threads, model; prints one JSON line.
 * 'float': conv → ReLU (→ max pool), dense, as buildBenchModel. 'qat': the engine's QAT net in eager PyTorch,
 * conv (no bias) → batch norm → learned-clip 8-bit activation fake quant (LSQ's fused learnable op, the PyTorch
 * counterpart of PACT) → max pool, weights fake-quantized per output channel to 8 bits on max |w|, dense with bias.
 * Both use Adam 1e-3 and softmax cross-entropy, as the tfjs runs of the bench.
 */
export const pytorchScript = `
import json, sys, time
import torch, torch.nn as nn, torch.nn.functional as F
batch, batches, threads, model = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
torch.set_num_threads(threads)
torch.manual_seed(1)
def fq_weight(w):
    scale = (w.detach().abs().amax(dim=tuple(range(1, w.dim()))) / 127).clamp(min=1e-8)
    return torch.fake_quantize_per_channel_affine(w, scale, torch.zeros_like(scale, dtype=torch.int32), 0, -127, 127)
class QConv(nn.Module):
    def __init__(self, i, o):
        super().__init__()
        self.conv = nn.Conv2d(i, o, 3, padding=1, bias=False); self.bn = nn.BatchNorm2d(o, momentum=0.1)
        self.scale = nn.Parameter(torch.tensor([6.0 / 255])); self.zero = torch.tensor([0.0])
    def forward(self, x):
        y = self.bn(F.conv2d(x, fq_weight(self.conv.weight), padding=1))
        y = torch._fake_quantize_learnable_per_tensor_affine(y, self.scale, self.zero, 0, 255, 1.0)
        return F.max_pool2d(y, 2)
class QDense(nn.Linear):
    def forward(self, x): return F.linear(x.flatten(1), fq_weight(self.weight), self.bias)
def block(i, o): return [nn.Conv2d(i, o, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
if model == 'qat': net = nn.Sequential(QConv(3, 32), QConv(32, 64), QConv(64, 128), QDense(128 * 4 * 4, 10))
else: net = nn.Sequential(*block(3, 32), *block(32, 64), *block(64, 128), nn.Flatten(), nn.Linear(128 * 4 * 4, 10))
net.train()
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
x = torch.rand(batch, 3, 32, 32); y = torch.randint(0, 10, (batch,))
def step():
    opt.zero_grad(); loss = F.cross_entropy(net(x), y); loss.backward(); opt.step(); return loss.item()
for _ in range(3): step()
t = time.perf_counter(); c = time.process_time()
for _ in range(batches): loss = step()
s = time.perf_counter() - t; cs = time.process_time() - c
print(json.dumps({"torch": torch.__version__, "model": model, "threads": threads, "images": batch * batches, "seconds": s, "imagesPerSec": batch * batches / s, "imagesPerCpuSec": batch * batches / cs, "finalLoss": loss}))
`;
