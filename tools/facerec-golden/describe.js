// Golden face descriptors from the original network: face-api.js's FaceRecognitionNet
// (the tfjs port of dlib's ResNet that models/dlib_face_recognition_resnet_model_v1.dat
// is converted from), on tfjs's pure-JS CPU backend (no native addon).
//
//   node describe.js --modules DIR --weights DIR --chips DIR --out FILE
//
// --modules  folder holding node_modules/ (installed from this folder's package-lock.json)
// --weights  folder with face_recognition_model.bin and its weights manifest (models/)
// --chips    folder with chips.json and the 150x150 chip PNGs it names (pg_facerec_chips)
// --out      JSON written: chips.json's entries, each with two 128-D descriptors:
//   descriptor         input scaled as dlib does, (x - mean) / 256: what the C++ port
//                      must reproduce (only float rounding differs)
//   descriptor_faceapi face-api's own input scaling, (x - mean) / 255
'use strict';

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || i + 1 >= argv.length) throw new Error(`bad argument ${argv[i]}`);
    out[argv[i].slice(2)] = argv[i + 1];
  }
  for (const k of ['modules', 'weights', 'chips', 'out']) {
    if (!out[k]) throw new Error(`missing --${k}`);
  }
  return out;
}

const kSide = 150;
const kMeanRgb = [122.782, 117.001, 104.298];  // dlib's and face-api's per-channel means

// RGB floats of a 150x150 PNG, optionally rescaled so that face-api's (x - mean) / 255
// equals dlib's (x - mean) / 256.
function chipTensor(tf, png, dlibScaling) {
  const values = new Float32Array(kSide * kSide * 3);
  for (let i = 0; i < kSide * kSide; ++i) {
    for (let c = 0; c < 3; ++c) {
      const x = png.data[4 * i + c];
      values[3 * i + c] = dlibScaling ? kMeanRgb[c] + (x - kMeanRgb[c]) * (255 / 256) : x;
    }
  }
  return tf.tensor3d(values, [kSide, kSide, 3], 'float32');
}

async function main() {
  const a = args();
  const req = createRequire(path.join(path.resolve(a.modules), 'package.json'));
  const faceapi = req('@vladmandic/face-api/dist/face-api.node-wasm.js');
  const { PNG } = req('pngjs');
  const tf = faceapi.tf;
  tf.enableProdMode();  // quiet: no "install tfjs-node" banner (a native addon, not wanted here)
  await tf.setBackend('cpu');
  await tf.ready();
  if (tf.getBackend() !== 'cpu') throw new Error(`backend is ${tf.getBackend()}, expected cpu`);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(a.weights);

  const chips = JSON.parse(fs.readFileSync(path.join(a.chips, 'chips.json'), 'utf8'));
  const started = Date.now();
  for (const entry of chips) {
    const png = PNG.sync.read(fs.readFileSync(path.join(a.chips, entry.chip)));
    if (png.width !== kSide || png.height !== kSide) throw new Error(`${entry.chip}: not ${kSide}x${kSide}`);
    for (const [key, dlibScaling] of [['descriptor', true], ['descriptor_faceapi', false]]) {
      const input = chipTensor(tf, png, dlibScaling);
      const d = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(input);
      input.dispose();
      entry[key] = Array.from(d);
    }
  }
  const result = {
    generator: {
      face_api: faceapi.version,
      tfjs: tf.version_core,
      backend: tf.getBackend(),
      node: process.version,
    },
    chips,
  };
  fs.writeFileSync(a.out, JSON.stringify(result, null, 1) + '\n');
  const ms = (Date.now() - started) / Math.max(1, 2 * chips.length);
  console.log(`facerec-golden: ${chips.length} chips, ${ms.toFixed(0)} ms per descriptor -> ${a.out}`);
}

main().catch((e) => {
  console.error(`facerec-golden: ${e.message}`);
  process.exit(1);
});
