/**
 * Adam's whole update of one variable in one pass, as a tiny WebAssembly module of our own that
 * works on tfjs-backend-wasm's heap (it imports that module's memory).
 *
 * tfjs's Adam updates a variable in 14 element-wise kernels (two moments, two bias corrections, a
 * square root, the step), each a pass over the variable that allocates its result: measured in
 * Node on WASM, 12.5 of the 43 ms a step of 8 stacked thieves I takes. This module does the same
 * float32 operations in the same order, four lanes at a time: every WebAssembly f32x4 operation
 * used (add, mul, div, sqrt) is IEEE-754 single precision, correctly rounded, as are the kernels it
 * replaces, so each element comes out bit for bit the same (fusedAdam.test.ts checks it against
 * tfjs's Adam).
 *
 * The module is a few hundred bytes, assembled below rather than shipped as a file: nothing to
 * fetch, nothing for a static host to serve with the right MIME type.
 *
 * adam(w, m, v, g, wOut, mOut, vOut, n, beta1, beta2, oneMinusBeta1, oneMinusBeta2,
 *      oneMinusAccBeta1, oneMinusAccBeta2, epsilon, minusLearningRate)
 * takes byte offsets into the heap and updates the first ⌊n / 4⌋·4 elements:
 *   m' = m·β1 + g·(1 − β1)             v' = v·β2 + g²·(1 − β2)
 *   w' = (m' / (1 − β1ᵗ)) / (√(v' / (1 − β2ᵗ)) + ε) · (−lr) + w
 * The last n mod 4 elements are left to the caller (adamTail).
 */

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

/** Unsigned LEB128, as the binary format writes sizes, counts and indices. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const text = (s: string) => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];

// Opcodes (WebAssembly core 2.0, with the fixed-width SIMD proposal's 0xfd prefix).
const localGet = (i: number) => [0x20, ...leb(i)];
const localSet = (i: number) => [0x21, ...leb(i)];
const simd = (op: number) => [0xfd, ...leb(op)];
const V128_LOAD = [...simd(0x00), 0, 0]; // memarg: alignment 2⁰ (any address), offset 0
const V128_STORE = [...simd(0x0b), 0, 0];
const F32X4_SPLAT = simd(0x13);
const F32X4_SQRT = simd(0xe3);
const F32X4_ADD = simd(0xe4);
const F32X4_MUL = simd(0xe6);
const F32X4_DIV = simd(0xe7);

// Parameters 0–7 are i32 (offsets, n), 8–15 f32 (the scalars), then the locals below.
const [W, M, V, G, W_OUT, M_OUT, V_OUT, N] = [0, 1, 2, 3, 4, 5, 6, 7];
const SCALARS = 8;
const I = 16;
const END = 17;
const [B1, B2, OB1, OB2, C1, C2, EPS, NLR, GV, MV, VV] = [18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28];

/** The byte address `base + i` on the stack. */
const at = (base: number) => [...localGet(base), ...localGet(I), 0x6a /* i32.add */];

const body: number[] = [
  // END = ⌊n / 4⌋ · 16 bytes.
  ...localGet(N), 0x41, 2, 0x76 /* i32.shr_u */, 0x41, 4, 0x74 /* i32.shl */, ...localSet(END),
  // Each scalar splatted into a vector once.
  ...[B1, B2, OB1, OB2, C1, C2, EPS, NLR].flatMap((local, i) => [...localGet(SCALARS + i), ...F32X4_SPLAT, ...localSet(local)]),
  0x02, 0x40, // block
  0x03, 0x40, // loop
  ...localGet(I), ...localGet(END), 0x4f /* i32.ge_u */, 0x0d, 1, // br_if out of the block
  ...at(G), ...V128_LOAD, ...localSet(GV),
  // m' = m·β1 + g·(1 − β1)
  ...at(M), ...V128_LOAD, ...localGet(B1), ...F32X4_MUL, ...localGet(GV), ...localGet(OB1), ...F32X4_MUL, ...F32X4_ADD, ...localSet(MV),
  // v' = v·β2 + (g·g)·(1 − β2)
  ...at(V), ...V128_LOAD, ...localGet(B2), ...F32X4_MUL, ...localGet(GV), ...localGet(GV), ...F32X4_MUL, ...localGet(OB2), ...F32X4_MUL, ...F32X4_ADD, ...localSet(VV),
  ...at(M_OUT), ...localGet(MV), ...V128_STORE,
  ...at(V_OUT), ...localGet(VV), ...V128_STORE,
  // w' = ((m' / c1) / (√(v' / c2) + ε)) · (−lr) + w
  ...at(W_OUT),
  ...localGet(MV), ...localGet(C1), ...F32X4_DIV,
  ...localGet(VV), ...localGet(C2), ...F32X4_DIV, ...F32X4_SQRT, ...localGet(EPS), ...F32X4_ADD,
  ...F32X4_DIV, ...localGet(NLR), ...F32X4_MUL,
  ...at(W), ...V128_LOAD, ...F32X4_ADD,
  ...V128_STORE,
  ...localGet(I), 0x41, 16, 0x6a, ...localSet(I),
  0x0c, 0, // br to the loop's start
  0x0b, // end loop
  0x0b, // end block
  0x0b, // end function
];

/** The module's bytes, importing `env.memory` (shared for tfjs's multi-threaded build, whose heap is shared). */
export function adamModuleBytes(sharedMemory: boolean): Uint8Array<ArrayBuffer> {
  const funcType = [0x60, ...leb(16), ...Array(8).fill(I32), ...Array(8).fill(F32), 0];
  // Limits: unshared, a minimum of 0 pages; shared memories must state a maximum (65,536 pages, 4 GiB: any heap fits).
  const limits = sharedMemory ? [0x03, 0, ...leb(65536)] : [0x00, 0];
  const locals = [2, ...leb(2), I32, ...leb(11), V128];
  const code = [...locals, ...body];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, ...funcType]),
    ...section(2, [1, ...text('env'), ...text('memory'), 0x02, ...limits]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...text('adam'), 0x00, 0]),
    ...section(10, [1, ...leb(code.length), ...code]),
  ]);
}

export type AdamFunction = (
  w: number, m: number, v: number, g: number, wOut: number, mOut: number, vOut: number, n: number,
  beta1: number, beta2: number, oneMinusBeta1: number, oneMinusBeta2: number,
  oneMinusAccBeta1: number, oneMinusAccBeta2: number, epsilon: number, minusLearningRate: number,
) => void;

const instances = new WeakMap<WebAssembly.Memory, AdamFunction | null>();

/**
 * The module's `adam` working on `memory`, or null where this WebAssembly has no SIMD (or the
 * module does not fit the memory). One instance per memory.
 */
export function adamOn(memory: WebAssembly.Memory): AdamFunction | null {
  const known = instances.get(memory);
  if (known !== undefined) return known;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const bytes = adamModuleBytes(shared);
  let fn: AdamFunction | null = null;
  if (WebAssembly.validate(bytes)) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    fn = instance.exports.adam as AdamFunction;
  }
  instances.set(memory, fn);
  return fn;
}

/**
 * The same update for elements [from, n) in plain JavaScript: each operation rounded to float32
 * (Math.fround) as the vector lanes round it. The arrays are the heap's views of the seven tensors.
 */
export function adamTail(
  arrays: { w: Float32Array; m: Float32Array; v: Float32Array; g: Float32Array; wOut: Float32Array; mOut: Float32Array; vOut: Float32Array },
  from: number,
  s: { beta1: number; beta2: number; oneMinusBeta1: number; oneMinusBeta2: number; oneMinusAccBeta1: number; oneMinusAccBeta2: number; epsilon: number; minusLearningRate: number },
): void {
  const f = Math.fround;
  const { w, m, v, g, wOut, mOut, vOut } = arrays;
  for (let i = from; i < w.length; i++) {
    const gi = g[i];
    const mi = f(f(m[i] * s.beta1) + f(gi * s.oneMinusBeta1));
    const vi = f(f(v[i] * s.beta2) + f(f(gi * gi) * s.oneMinusBeta2));
    mOut[i] = mi;
    vOut[i] = vi;
    const denominator = f(f(Math.sqrt(f(vi / s.oneMinusAccBeta2))) + s.epsilon);
    wOut[i] = f(f(f(f(mi / s.oneMinusAccBeta1) / denominator) * s.minusLearningRate) + w[i]);
  }
}
