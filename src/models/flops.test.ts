import { describe, expect, it } from 'vitest';
import { matmulFlops, trainStepFlops } from './flops';

describe('trainStepFlops', () => {
  it('counts the defender by hand: conv32 → pool → conv64 → pool → dense128 → 10', () => {
    // 28×28×1 → conv 3×3 valid: 26×26×32, each output 3·3·1 = 9 MACs     = 194,688
    // pool → 13×13×32 → conv: 11×11×64, each output 3·3·32 = 288 MACs   = 2,230,272
    // pool → 5×5×64 = 1,600 features → dense 128                          = 204,800
    // 128 → 10 logits                                                      = 1,280
    const f = trainStepFlops('defender', 64);
    expect(f.layerMacs).toEqual([
      { layer: 'conv1', macs: 194_688 },
      { layer: 'conv2', macs: 2_230_272 },
      { layer: 'dense1', macs: 204_800 },
      { layer: 'logits', macs: 1_280 },
    ]);
    expect(f.forwardMacsPerImage).toBe(2_631_040);
    expect(f.forwardFlopsPerImage).toBe(5_262_080);
    // forward + backward (≈ 2 × forward) at batch 64: 3 · 5,262,080 · 64 ≈ 1.01 GFLOP per step
    expect(f.trainStepFlops).toBe(1_010_319_360);
  });

  it('counts the MLP I (784 → 200 → 200 → 200 → 10) and the convnet X (conv 64-128, no hidden FC)', () => {
    expect(trainStepFlops('I', 1).forwardMacsPerImage).toBe(784 * 200 + 200 * 200 + 200 * 200 + 200 * 10);
    // X: 26·26·64·9 = 389,376; 11·11·128·576 = 8,921,088; 5·5·128 · 10 = 32,000
    expect(trainStepFlops('X', 1).forwardMacsPerImage).toBe(389_376 + 8_921_088 + 32_000);
    expect(trainStepFlops('I', 64).trainStepFlops).toBe(3 * 2 * 238_800 * 64);
  });

  it('leaves the first layer\'s input gradient out of what a step computes', () => {
    // I: forward 238,800 MACs, weight gradients 238,800, input gradients 238,800 − 784·200 = 82,000.
    expect(trainStepFlops('I', 64).computedStepFlops).toBe(2 * (238_800 + 238_800 + 82_000) * 64);
    // X: its first conv (389,376 MACs) has no input gradient either.
    const x = trainStepFlops('X', 2);
    expect(x.computedStepFlops).toBe(x.trainStepFlops - 2 * 389_376 * 2);
  });

  it('pools after every second conv for Simple', () => {
    // 28 → 26 (64) → 24 (64) → pool 12 → 10 (128) → 8 (128) → pool 4: 4·4·128 = 2,048 features
    const macs = trainStepFlops('simple', 1).layerMacs.map((l) => l.macs);
    expect(macs).toEqual([26 * 26 * 64 * 9, 24 * 24 * 64 * 576, 10 * 10 * 128 * 576, 8 * 8 * 128 * 1152, 2048 * 256, 256 * 256, 256 * 10]);
  });

  it('counts AllConv (16 / 32): strided convs by their output positions, the 1×1 classifier conv as the logits', () => {
    // 'same' 3×3 convs keep 28×28, the stride-2 ones halve it (28→14→7), the 'valid' 3×3 gives 5×5.
    const f = trainStepFlops('allconv', 64);
    expect(f.layerMacs).toEqual([
      { layer: 'conv1', macs: 28 * 28 * 16 * 9 * 1 }, // 112,896
      { layer: 'conv2', macs: 28 * 28 * 16 * 9 * 16 }, // 1,806,336
      { layer: 'conv3', macs: 14 * 14 * 16 * 9 * 16 }, // 451,584 (stride 2)
      { layer: 'conv4', macs: 14 * 14 * 32 * 9 * 16 }, // 903,168
      { layer: 'conv5', macs: 14 * 14 * 32 * 9 * 32 }, // 1,806,336
      { layer: 'conv6', macs: 7 * 7 * 32 * 9 * 32 }, // 451,584 (stride 2)
      { layer: 'conv7', macs: 5 * 5 * 32 * 9 * 32 }, // 230,400 ('valid')
      { layer: 'conv8', macs: 5 * 5 * 32 * 32 }, // 25,600 (1×1)
      { layer: 'logits', macs: 5 * 5 * 32 * 10 }, // 8,000 (1×1 to the classes; the average adds only)
    ]);
    expect(f.forwardMacsPerImage).toBe(5_795_904);
    // ≈ 2.2 GFLOP per batch-64 step, about twice the defender's.
    expect(f.trainStepFlops).toBe(3 * 2 * 5_795_904 * 64);
  });

  it('rejects a bad batch; a matmul of n×n by n×n is 2n³ FLOPs', () => {
    expect(() => trainStepFlops('defender', 0)).toThrow(RangeError);
    expect(matmulFlops(1024)).toBe(2_147_483_648);
  });
});
