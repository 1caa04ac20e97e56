// Golden face boxes from the original network: face-api.js's SsdMobilenetv1 (the model
// publish-gate re-implements in OpenCV DNN, pipeline/faces/ssd_mobilenet_net.cpp), on
// tfjs's pure-JS CPU backend (no native addon).
//
//   node detect.js --modules DIR --weights DIR --inputs DIR --min-score S --out FILE
//
// --modules    folder holding node_modules/ (installed from this folder's package-lock.json)
// --weights    folder with ssd_mobilenetv1_model.bin and its weights manifest (models/)
// --inputs     folder with inputs.json and the PNGs it names (build/tools/pg_facedet_inputs);
//              the PNGs hold the exact RGB pixels the C++ side decodes, so both sides see
//              the same input and the comparison tests the network, not two image decoders
// --min-score  face-api's minConfidence (publish-gate's kSsdDefaultMinScore)
// --out        JSON written: inputs.json's entries, each with
//   faces        locateFaces() results: box {x, y, width, height} in image pixels, score
//   top_anchors  the 10 strongest anchors before threshold and suppression: index,
//                score, box [ymin, xmin, ymax, xmax] as fractions of the padded square
'use strict';

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const kTopAnchors = 10;

function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || i + 1 >= argv.length) throw new Error(`bad argument ${argv[i]}`);
    out[argv[i].slice(2)] = argv[i + 1];
  }
  for (const k of ['modules', 'weights', 'inputs', 'min-score', 'out']) {
    if (!out[k]) throw new Error(`missing --${k}`);
  }
  return out;
}

// The PNG's RGB values as a float32 [h, w, 3] tensor (alpha, always opaque here, dropped).
function rgbTensor(tf, png) {
  const n = png.width * png.height;
  const values = new Float32Array(n * 3);
  for (let i = 0; i < n; ++i) {
    for (let c = 0; c < 3; ++c) values[3 * i + c] = png.data[4 * i + c];
  }
  return tf.tensor3d(values, [png.height, png.width, 3], 'float32');
}

// Makes locateFaces() also hand over the raw anchor outputs of its forward pass (boxes
// and scores for every anchor), so each image goes through the network once.
function captureForward(net) {
  const captured = {};
  const forwardInput = net.forwardInput.bind(net);
  net.forwardInput = (netInput) => {
    const out = forwardInput(netInput);
    captured.boxes = out.boxes[0].arraySync();
    captured.scores = Array.from(out.scores[0].dataSync());
    return out;
  };
  return captured;
}

function topAnchors(captured) {
  return captured.scores
    .map((score, index) => ({ index, score, box: captured.boxes[index] }))
    .sort((a, b) => b.score - a.score)
    .slice(0, kTopAnchors);
}

async function main() {
  const a = args();
  const minScore = Number(a['min-score']);
  const req = createRequire(path.join(path.resolve(a.modules), 'package.json'));
  const faceapi = req('@vladmandic/face-api/dist/face-api.node-wasm.js');
  const { PNG } = req('pngjs');
  const tf = faceapi.tf;
  tf.enableProdMode();  // quiet: no "install tfjs-node" banner (a native addon, not wanted here)
  await tf.setBackend('cpu');
  await tf.ready();
  if (tf.getBackend() !== 'cpu') throw new Error(`backend is ${tf.getBackend()}, expected cpu`);
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(a.weights);
  const captured = captureForward(faceapi.nets.ssdMobilenetv1);

  const inputs = JSON.parse(fs.readFileSync(path.join(a.inputs, 'inputs.json'), 'utf8'));
  const started = Date.now();
  for (const entry of inputs) {
    const png = PNG.sync.read(fs.readFileSync(path.join(a.inputs, entry.png)));
    if (png.width !== entry.width || png.height !== entry.height) {
      throw new Error(`${entry.png}: ${png.width}x${png.height}, inputs.json says ${entry.width}x${entry.height}`);
    }
    const input = rgbTensor(tf, png);
    const options = new faceapi.SsdMobilenetv1Options({ minConfidence: minScore, maxResults: 100 });
    const faces = await faceapi.nets.ssdMobilenetv1.locateFaces(input, options);
    entry.faces = faces.map((f) => ({
      box: { x: f.box.x, y: f.box.y, width: f.box.width, height: f.box.height },
      score: f.score,
    }));
    entry.top_anchors = topAnchors(captured);
    input.dispose();
    console.log(`facedet-golden: ${entry.name}: ${entry.faces.length} faces`);
  }
  const result = {
    generator: {
      face_api: faceapi.version,
      tfjs: tf.version_core,
      backend: tf.getBackend(),
      node: process.version,
      min_score: minScore,
    },
    inputs,
  };
  fs.writeFileSync(a.out, JSON.stringify(result, null, 1) + '\n');
  const s = (Date.now() - started) / 1000 / Math.max(1, inputs.length);
  console.log(`facedet-golden: ${inputs.length} images, ${s.toFixed(1)} s per image -> ${a.out}`);
}

main().catch((e) => {
  console.error(`facedet-golden: ${e.message}`);
  process.exit(1);
});
