/**
 * One training step of a thief, exactly as runExperiment runs a thief trained on its own (a convnet
 * thief, or any thief its stack cannot take: thiefPack.ts's 'separate'): gather the batch rows from the
 * device-resident answers, shift-augment them (when `shift` > 0; gatherShifted does both in one gather), take one optimizer step, and add
 * loss × rows to the epoch's running sum ON the device (no read-back). The benchmark times this
 * same function against a bare tfjs loop (bench.ts), so the two never drift apart.
 *
 * Returns the new running sum; the CALLER disposes the old one (and, at the end, the new one).
 * Every other tensor made here is freed.
 */
import * as tf from '@tensorflow/tfjs';
import { gatherShifted } from '../models/training';
import { trainStepWithLoss } from '../models/defenseAware';

export type ThiefLoss = (logits: tf.Tensor2D, targets: tf.Tensor2D) => tf.Scalar;

export function thiefTrainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  x: tf.Tensor4D,
  targets: tf.Tensor2D,
  rows: Int32Array,
  shift: number,
  shiftSeed: number,
  loss: ThiefLoss,
  sum: tf.Scalar,
): tf.Scalar {
  return tf.tidy(() => {
    // The batch's rows, shifted (when shift > 0), in one gather: gatherShifted.
    const xb = gatherShifted(x, rows, shift, shiftSeed);
    const stepLoss = trainStepWithLoss(model, optimizer, xb, tf.gather(targets, tf.tensor1d(rows, 'int32')) as tf.Tensor2D, loss);
    return tf.add(sum, tf.mul(stepLoss, rows.length)) as tf.Scalar;
  });
}
