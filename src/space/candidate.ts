// The public candidate format: one quantized CNN plus its hardware folding. The CLI, GraphQL, the events and the
// engine all speak this JSON. Pure types; validation lives in validateCandidate.ts (owned by the space module).

/** Fixed-point or scaled quantization of one layer. */
export interface LayerQuant {
  /** Total weight bits, sign included, 1..16. 1 means binary (±1, XNOR arithmetic). */
  weightBits: number;
  /** Total activation bits, 1..16. */
  activationBits: number;
  /**
   * Integer bits of the weights, sign included, when the layer uses fixed point (the FGNAS/QNAS split);
   * fraction bits are `weightBits - weightIntBits`. Absent: a per-channel scale is learned instead.
   */
  weightIntBits?: number;
  /** Integer bits of the activations when fixed point is used; absent: a calibrated/learned clipping range. */
  activationIntBits?: number;
}

/** Parallelism of a layer's processing-element array (FINN folding): PE output lanes × SIMD input lanes. */
export interface LayerFolding {
  /** Output channels (or dense units) computed in parallel; divides nothing, ceil() is applied. >= 1. */
  pe: number;
  /** Inputs (of k·k·in_c, or of the dense fan-in) consumed per cycle per PE. >= 1. */
  simd: number;
}

export interface MaxPool {
  /** Pool window, e.g. 2. */
  size: number;
  /** Pool stride, e.g. 2. */
  stride: number;
}

export interface ConvLayer extends LayerQuant, LayerFolding {
  kind: 'conv';
  filters: number;
  kernelSize: number;
  stride: number;
  padding: 'same' | 'valid';
  /** Max pool applied after the activation, or absent. */
  maxPool?: MaxPool;
  /**
   * Identity residual: the layer's input is added to its output. Valid only when the shapes match
   * (stride 1, 'same' padding, filters equal to the input channels, no pool).
   */
  skip?: boolean;
}

export interface DenseLayer extends LayerQuant, LayerFolding {
  kind: 'dense';
  units: number;
}

export type Layer = ConvLayer | DenseLayer;

export interface InputSpec {
  height: number;
  width: number;
  channels: number;
  /** Bits of the input pixels as streamed into the first layer (8 for CIFAR-10). */
  bits: number;
}

/**
 * A candidate network. Convs come first, then one or more dense layers; the last dense layer is the classifier
 * with `units` equal to the number of classes (10 for CIFAR-10). Every layer but the last is followed by ReLU.
 */
export interface Candidate {
  input: InputSpec;
  layers: Layer[];
}

export const CIFAR10_INPUT: InputSpec = { height: 32, width: 32, channels: 3, bits: 8 };
