// face-api's SSD MobileNetV1 in OpenCV DNN (ssd_mobilenet_net.h). The layer sequence
// follows face-api's src/ssdMobilenetv1 (mobileNetV1.ts, predictionLayer.ts,
// boxPredictionLayer.ts, outputLayer.ts): tfjs tensors are NHWC with HWIO filters,
// OpenCV's are NCHW with OIHW filters; every convolution uses TensorFlow's "SAME" padding.
#include "faces/ssd_mobilenet_net.h"

#include <cmath>

#include <opencv2/dnn.hpp>

namespace pg {

namespace {

constexpr double kBatchNormEpsilon = 0.0010000000474974513;  // face-api's mobileNetV1.ts
constexpr int kHeads = 6;
/// Feature-map side and anchors per cell of each box predictor, in face-api's order.
constexpr int kHeadSide[kHeads] = {32, 16, 8, 4, 2, 1};
constexpr int kHeadAnchors[kHeads] = {3, 6, 6, 6, 6, 6};
/// MobileNet's depthwise layers that halve the feature map (getStridesForLayerIdx).
bool DepthwiseStride2(int layer) { return layer == 2 || layer == 4 || layer == 6 || layer == 12; }

/// A layer's output in the network under construction, and its channel count.
struct Node {
  int id = 0;
  int channels = 0;
};

/// Adds layers to a cv::dnn::Net from named tensors. The first misfit is kept in
/// status(); later calls then do nothing, so a block reads as a straight sequence.
class Builder {
 public:
  Builder(const TfjsWeights& weights, cv::dnn::Net* net) : weights_(weights), net_(net) {}
  const Status& status() const { return status_; }

  /// conv (any kernel, HWIO filters, no bias) + "convolution_bn_offset" + ReLU6:
  /// face-api's pointwiseConvLayer, also used for MobileNet's first 3x3 layer.
  Node PointwiseConv(const Node& in, const std::string& prefix, int stride) {
    const NamedTensor* f = Get(prefix + "/weights", {-1, -1, in.channels, -1});
    if (!f) return in;
    const int k = f->shape[0], out = f->shape[3];
    if (k != f->shape[1]) return Fail(f, "a square kernel");
    const NamedTensor* offset = Get(prefix + "/convolution_bn_offset", {out});
    if (!offset) return in;
    return Relu6(Conv(prefix, in, FiltersOihw(*f), Row(offset->values), k, stride, 1));
  }

  /// depthwise 3x3 conv + batch norm (folded into the filters) + ReLU6.
  Node DepthwiseConv(const Node& in, const std::string& prefix, int stride) {
    const int c = in.channels;
    const NamedTensor* f = Get(prefix + "/depthwise_weights", {3, 3, c, 1});
    const NamedTensor* gamma = Get(prefix + "/BatchNorm/gamma", {c});
    const NamedTensor* beta = Get(prefix + "/BatchNorm/beta", {c});
    const NamedTensor* mean = Get(prefix + "/BatchNorm/moving_mean", {c});
    const NamedTensor* var = Get(prefix + "/BatchNorm/moving_variance", {c});
    if (!f || !gamma || !beta || !mean || !var) return in;
    const int sizes[4] = {c, 1, 3, 3};
    cv::Mat filters(4, sizes, CV_32F);
    std::vector<float> bias(c);
    for (int ch = 0; ch < c; ++ch) {
      const double scale = gamma->values[ch] / std::sqrt(var->values[ch] + kBatchNormEpsilon);
      for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 3; ++x)
          filters.ptr<float>(ch, 0)[y * 3 + x] = static_cast<float>(f->values[(y * 3 + x) * c + ch] * scale);
      bias[ch] = static_cast<float>(beta->values[ch] - mean->values[ch] * scale);
    }
    return Relu6(Conv(prefix, in, filters, Row(bias), 3, stride, c));
  }

  /// 1x1 conv with bias, no activation: face-api's convLayer in a box predictor.
  Node PredictorConv(const Node& in, const std::string& prefix, int outputs) {
    const NamedTensor* f = Get(prefix + "/weights", {1, 1, in.channels, outputs});
    const NamedTensor* b = Get(prefix + "/biases", {outputs});
    if (!f || !b) return in;
    return Conv(prefix, in, FiltersOihw(*f), Row(b->values), 1, 1, 1);
  }

 private:
  /// The tensor called `name` if its shape is `shape` (-1 matches any size).
  const NamedTensor* Get(const std::string& name, const std::vector<int>& shape) {
    if (!status_.ok()) return nullptr;
    const NamedTensor* t = FindTensor(weights_, name);
    if (!t) {
      status_ = Status::BadData("SSD MobileNetV1 weights: no tensor " + name);
      return nullptr;
    }
    bool fits = t->shape.size() == shape.size();
    for (size_t i = 0; fits && i < shape.size(); ++i) fits = shape[i] < 0 || shape[i] == t->shape[i];
    if (!fits) {
      status_ = Status::BadData("SSD MobileNetV1 weights: tensor " + name + " is " +
                                ShapeString(t->shape) + ", expected " + ShapeString(shape) +
                                " (-1: any size)");
      return nullptr;
    }
    return t;
  }

  Node Fail(const NamedTensor* t, const std::string& expected) {
    status_ = Status::BadData("SSD MobileNetV1 weights: tensor " + t->name + " is " +
                              ShapeString(t->shape) + ", expected " + expected);
    return {};
  }

  static cv::Mat Row(const std::vector<float>& v) {
    return cv::Mat(1, static_cast<int>(v.size()), CV_32F, const_cast<float*>(v.data())).clone();
  }

  /// tfjs HWIO [kh][kw][in][out] -> OpenCV OIHW [out][in][kh][kw].
  static cv::Mat FiltersOihw(const NamedTensor& t) {
    const int kh = t.shape[0], kw = t.shape[1], in = t.shape[2], out = t.shape[3];
    const int sizes[4] = {out, in, kh, kw};
    cv::Mat m(4, sizes, CV_32F);
    for (int o = 0; o < out; ++o)
      for (int i = 0; i < in; ++i)
        for (int y = 0; y < kh; ++y)
          for (int x = 0; x < kw; ++x)
            m.ptr<float>(o, i)[y * kw + x] = t.values[((y * kw + x) * in + i) * out + o];
    return m;
  }

  Node Conv(const std::string& name, const Node& in, const cv::Mat& filters, const cv::Mat& bias,
            int kernel, int stride, int group) {
    if (!status_.ok()) return in;
    cv::dnn::LayerParams p;
    p.set("kernel_h", kernel);
    p.set("kernel_w", kernel);
    p.set("stride_h", stride);
    p.set("stride_w", stride);
    p.set("pad_mode", cv::String("SAME"));  // TensorFlow's: extra padding goes bottom/right
    p.set("num_output", filters.size[0]);
    p.set("group", group);
    p.set("bias_term", true);
    p.blobs = {filters, bias};
    const int id = net_->addLayer(name, "Convolution", p);
    net_->connect(in.id, 0, id, 0);
    return {id, filters.size[0]};
  }

  Node Relu6(const Node& in) {
    if (!status_.ok()) return in;
    cv::dnn::LayerParams p;
    p.set("min_value", 0.0f);
    p.set("max_value", 6.0f);
    const int id = net_->addLayer("relu6_" + std::to_string(in.id), "ReLU6", p);
    net_->connect(in.id, 0, id, 0);
    return {id, in.channels};
  }

  const TfjsWeights& weights_;
  cv::dnn::Net* net_;
  Status status_;
};

}  // namespace

struct SsdMobilenetNet::Impl {
  cv::dnn::Net net;
  std::vector<cv::String> outputs;  ///< per head: box encodings, then class logits
  std::vector<float> anchors;       ///< kNumAnchors x [ymin, xmin, ymax, xmax]
};

SsdMobilenetNet::SsdMobilenetNet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SsdMobilenetNet::~SsdMobilenetNet() = default;

Result<std::unique_ptr<SsdMobilenetNet>> SsdMobilenetNet::FromTfjsWeights(const TfjsWeights& weights) {
  auto impl = std::make_unique<Impl>();
  const NamedTensor* anchors = FindTensor(weights, "Output/extra_dim");
  if (!anchors || anchors->shape != std::vector<int>{1, kNumAnchors, 4}) {
    return Status::BadData("SSD MobileNetV1 weights: no Output/extra_dim tensor of shape " +
                           ShapeString({1, kNumAnchors, 4}) + " (the anchors)");
  }
  impl->anchors = anchors->values;
  try {
    impl->net.setInputsNames({"image"});
    Builder b(weights, &impl->net);
    Node x = b.PointwiseConv({0, 3}, "MobilenetV1/Conv2d_0_pointwise", 2);
    Node conv11;
    for (int layer = 1; layer <= 13; ++layer) {
      const std::string prefix = "MobilenetV1/Conv2d_" + std::to_string(layer);
      x = b.DepthwiseConv(x, prefix + "_depthwise", DepthwiseStride2(layer) ? 2 : 1);
      x = b.PointwiseConv(x, prefix + "_pointwise", 1);
      if (layer == 11) conv11 = x;
    }
    // Extra feature layers, each pair halving the map: 16 -> 8 -> 4 -> 2 -> 1.
    Node head_inputs[kHeads] = {conv11, x};
    Node p = x;
    for (int i = 0; i < 8; ++i) {
      p = b.PointwiseConv(p, "Prediction/Conv2d_" + std::to_string(i) + "_pointwise", i % 2 ? 2 : 1);
      if (i % 2) head_inputs[2 + i / 2] = p;
    }
    for (int h = 0; h < kHeads; ++h) {
      const std::string prefix = "Prediction/BoxPredictor_" + std::to_string(h);
      b.PredictorConv(head_inputs[h], prefix + "/BoxEncodingPredictor", kHeadAnchors[h] * 4);
      b.PredictorConv(head_inputs[h], prefix + "/ClassPredictor", kHeadAnchors[h] * 3);
      impl->outputs.push_back(prefix + "/BoxEncodingPredictor");
      impl->outputs.push_back(prefix + "/ClassPredictor");
    }
    if (!b.status().ok()) return b.status();
    impl->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    impl->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("SSD MobileNetV1: building the OpenCV network failed: ") + e.what());
  }
  return std::unique_ptr<SsdMobilenetNet>(new SsdMobilenetNet(std::move(impl)));
}

Result<std::vector<SsdCandidate>> SsdMobilenetNet::Forward(const cv::Mat& blob) {
  if (blob.type() != CV_32F || blob.dims != 4 || blob.size[0] != 1 || blob.size[1] != 3 ||
      blob.size[2] != kInputSize || blob.size[3] != kInputSize) {
    return Status::Internal("SSD MobileNetV1: input must be a 1x3x512x512 float blob");
  }
  std::vector<cv::Mat> outs;
  try {
    impl_->net.setInput(blob);
    impl_->net.forward(outs, impl_->outputs);
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("SSD MobileNetV1: OpenCV forward pass failed: ") + e.what());
  }
  std::vector<SsdCandidate> candidates;
  candidates.reserve(kNumAnchors);
  for (int h = 0; h < kHeads; ++h) {
    const int side = kHeadSide[h], anchors = kHeadAnchors[h];
    const cv::Mat& box = outs[2 * h];
    const cv::Mat& cls = outs[2 * h + 1];
    if (box.dims != 4 || box.size[1] != anchors * 4 || box.size[2] != side || box.size[3] != side ||
        cls.dims != 4 || cls.size[1] != anchors * 3 || cls.size[2] != side) {
      return Status::Internal("SSD MobileNetV1: head " + std::to_string(h) + " has an unexpected shape");
    }
    // NCHW planes; face-api's anchor order is (y, x, anchor).
    auto at = [side](const cv::Mat& m, int channel, int y, int x) {
      return m.ptr<float>()[(channel * side + y) * side + x];
    };
    for (int y = 0; y < side; ++y)
      for (int x = 0; x < side; ++x)
        for (int a = 0; a < anchors; ++a) {
          const float* anchor = &impl_->anchors[candidates.size() * 4];
          const float ah = anchor[2] - anchor[0], aw = anchor[3] - anchor[1];
          const float acy = anchor[0] + ah / 2, acx = anchor[1] + aw / 2;
          const float cy = at(box, a * 4 + 0, y, x) / 10 * ah + acy;
          const float cx = at(box, a * 4 + 1, y, x) / 10 * aw + acx;
          const float half_h = std::exp(at(box, a * 4 + 2, y, x) / 5) * ah / 2;
          const float half_w = std::exp(at(box, a * 4 + 3, y, x) / 5) * aw / 2;
          SsdCandidate c;
          c.ymin = cy - half_h;
          c.xmin = cx - half_w;
          c.ymax = cy + half_h;
          c.xmax = cx + half_w;
          c.score = 1.0f / (1.0f + std::exp(-at(cls, a * 3 + 1, y, x)));
          candidates.push_back(c);
        }
  }
  return candidates;
}

}  // namespace pg
