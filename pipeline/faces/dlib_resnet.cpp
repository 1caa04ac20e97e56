// The one translation unit that instantiates dlib's face-recognition ResNet. The network
// definition is dlib's (examples/dnn_face_recognition_ex.cpp, Boost licence); the
// weights come from face-api's tfjs port of the same network (see models/README.md).
#include "faces/dlib_resnet.h"

#include <algorithm>
#include <sstream>
#include <type_traits>

#include <dlib/dnn.h>

namespace pg {

namespace {

using namespace dlib;  // the network definition below reads as in dlib's example

template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual = add_prev1<block<N, BN, 1, tag1<SUBNET>>>;

template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual_down = add_prev2<avg_pool<2, 2, 2, 2, skip1<tag2<block<N, BN, 2, tag1<SUBNET>>>>>>;

template <int N, template <typename> class BN, int stride, typename SUBNET>
using block = BN<con<N, 3, 3, 1, 1, relu<BN<con<N, 3, 3, stride, stride, SUBNET>>>>>;

template <int N, typename SUBNET>
using ares = relu<residual<block, N, affine, SUBNET>>;
template <int N, typename SUBNET>
using ares_down = relu<residual_down<block, N, affine, SUBNET>>;

template <typename SUBNET> using alevel0 = ares_down<256, SUBNET>;
template <typename SUBNET> using alevel1 = ares<256, ares<256, ares_down<256, SUBNET>>>;
template <typename SUBNET> using alevel2 = ares<128, ares<128, ares_down<128, SUBNET>>>;
template <typename SUBNET> using alevel3 = ares<64, ares<64, ares<64, ares_down<64, SUBNET>>>>;
template <typename SUBNET> using alevel4 = ares<32, ares<32, ares<32, SUBNET>>>;

using anet_type = loss_metric<fc_no_bias<128, avg_pool_everything<
    alevel0<alevel1<alevel2<alevel3<alevel4<
    max_pool<3, 3, 2, 2, relu<affine<con<32, 7, 7, 2, 2,
    input_rgb_image_sized<150>>>>>>>>>>>>>;

// face-api's conv units, input first; each has conv/{filters,bias}, scale/{weights,biases}.
std::vector<std::string> ConvUnitNames() {
  std::vector<std::string> units = {"conv32_down"};
  for (const char* b : {"conv32_1", "conv32_2", "conv32_3", "conv64_down", "conv64_1",
                        "conv64_2", "conv64_3", "conv128_down", "conv128_1", "conv128_2",
                        "conv256_down", "conv256_1", "conv256_2", "conv256_down_out"}) {
    units.push_back(std::string(b) + "/conv1");
    units.push_back(std::string(b) + "/conv2");
  }
  return units;
}

matrix<rgb_pixel> ToDlibRgb(const cv::Mat& bgr) {
  matrix<rgb_pixel> out(bgr.rows, bgr.cols);
  for (int y = 0; y < bgr.rows; ++y) {
    const cv::Vec3b* row = bgr.ptr<cv::Vec3b>(y);
    for (int x = 0; x < bgr.cols; ++x) out(y, x) = rgb_pixel(row[x][2], row[x][1], row[x][0]);
  }
  return out;
}

// Copies face-api's tensors into the layers of `net`, which has run forward once (dlib
// allocates parameters on the first forward pass).
Status AssignWeights(anet_type& net, const std::vector<NamedTensor>& tensors) {
  std::vector<tensor*> conv_params;     // each con_: OIHW filters then bias
  std::vector<long> conv_filters, conv_rows, conv_cols;
  std::vector<affine_*> affines;
  tensor* fc_params = nullptr;
  visit_computational_layers(net, [&](auto& layer) {
    using L = std::decay_t<decltype(layer)>;
    if constexpr (std::is_same_v<L, affine_>) {
      affines.push_back(&layer);
    } else if constexpr (std::is_same_v<L, fc_<128, FC_NO_BIAS>>) {
      fc_params = &layer.get_layer_params();
    } else if constexpr (requires { layer.num_filters(); }) {
      conv_params.push_back(&layer.get_layer_params());
      conv_filters.push_back(layer.num_filters());
      conv_rows.push_back(layer.nr());
      conv_cols.push_back(layer.nc());
    }
  });
  // visit_computational_layers goes from the output to the input; face-api lists input first.
  std::reverse(conv_params.begin(), conv_params.end());
  std::reverse(conv_filters.begin(), conv_filters.end());
  std::reverse(conv_rows.begin(), conv_rows.end());
  std::reverse(conv_cols.begin(), conv_cols.end());
  std::reverse(affines.begin(), affines.end());

  const std::vector<std::string> units = ConvUnitNames();
  if (conv_params.size() != units.size() || affines.size() != units.size() || !fc_params) {
    return Status::Internal("face-recognition network: unexpected layer count");
  }
  if (tensors.size() != units.size() * 4 + 1) {
    return Status::BadData("face-recognition weights: " + std::to_string(tensors.size()) +
                           " tensors, expected " + std::to_string(units.size() * 4 + 1));
  }
  auto check = [&](size_t index, const std::string& name,
                   const std::vector<int>& shape) -> Status {
    const NamedTensor& t = tensors[index];
    size_t count = 1;
    for (int d : shape) count *= static_cast<size_t>(d);
    if (t.name != name || t.shape != shape || t.values.size() != count) {
      return Status::BadData("face-recognition weights: tensor " + std::to_string(index) +
                             " is \"" + t.name + "\" " + ShapeString(t.shape) + ", expected \"" +
                             name + "\" " + ShapeString(shape));
    }
    return Status::Ok();
  };

  for (size_t u = 0; u < units.size(); ++u) {
    const long out = conv_filters[u], rows = conv_rows[u], cols = conv_cols[u];
    tensor& p = *conv_params[u];
    const long in = (static_cast<long>(p.size()) - out) / (out * rows * cols);
    const std::string prefix = units[u] + "/";
    const std::string conv = prefix + "conv/";
    const std::vector<int> fshape = {int(rows), int(cols), int(in), int(out)};
    const std::vector<int> vshape = {int(out)};
    for (Status s : {check(4 * u, conv + "filters", fshape), check(4 * u + 1, conv + "bias", vshape),
                     check(4 * u + 2, prefix + "scale/weights", vshape),
                     check(4 * u + 3, prefix + "scale/biases", vshape)}) {
      if (!s.ok()) return s;
    }
    // HWIO -> dlib's OIHW, bias after the filters.
    const std::vector<float>& f = tensors[4 * u].values;
    float* dst = p.host();
    for (long o = 0; o < out; ++o)
      for (long i = 0; i < in; ++i)
        for (long y = 0; y < rows; ++y)
          for (long x = 0; x < cols; ++x)
            dst[((o * in + i) * rows + y) * cols + x] = f[((y * cols + x) * in + i) * out + o];
    const std::vector<float>& bias = tensors[4 * u + 1].values;
    std::copy(bias.begin(), bias.end(), dst + out * in * rows * cols);

    affine_& a = *affines[u];
    if (a.get_gamma().size() != static_cast<size_t>(out)) {
      return Status::Internal("face-recognition network: affine layer " + std::to_string(u) +
                              " is not in CONV mode");
    }
    std::copy(tensors[4 * u + 2].values.begin(), tensors[4 * u + 2].values.end(),
              a.get_gamma().host());
    std::copy(tensors[4 * u + 3].values.begin(), tensors[4 * u + 3].values.end(),
              a.get_beta().host());
  }
  const size_t fc_index = units.size() * 4;
  const int fc_in = static_cast<int>(fc_params->size() / DlibResnet::kDescriptorSize);
  if (Status s = check(fc_index, "fc", {fc_in, DlibResnet::kDescriptorSize}); !s.ok()) return s;
  // dlib's fc_ parameters are an inputs x outputs matrix, row-major: face-api's layout.
  std::copy(tensors[fc_index].values.begin(), tensors[fc_index].values.end(), fc_params->host());
  return Status::Ok();
}

}  // namespace

struct DlibResnet::Impl {
  anet_type net;
};

DlibResnet::DlibResnet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DlibResnet::~DlibResnet() = default;

Result<std::unique_ptr<DlibResnet>> DlibResnet::FromTfjsTensors(
    const std::vector<NamedTensor>& tensors) {
  try {
    auto impl = std::make_unique<Impl>();
    // face-api's scale layers are per channel: every affine_ works in CONV mode.
    visit_computational_layers(impl->net, [](auto& layer) {
      if constexpr (std::is_same_v<std::decay_t<decltype(layer)>, affine_>) {
        layer = affine_(CONV_MODE);
      }
    });
    matrix<rgb_pixel> blank(kChipSize, kChipSize);
    assign_all_pixels(blank, rgb_pixel(0, 0, 0));
    impl->net(blank);  // allocates every layer's parameters
    if (Status s = AssignWeights(impl->net, tensors); !s.ok()) return s;
    impl->net.clean();
    return std::unique_ptr<DlibResnet>(new DlibResnet(std::move(impl)));
  } catch (const std::exception& e) {
    return Status::Internal(std::string("building the face-recognition network failed: ") +
                            e.what());
  }
}

Result<std::unique_ptr<DlibResnet>> DlibResnet::Deserialize(const Bytes& data,
                                                            const std::string& what) {
  try {
    auto impl = std::make_unique<Impl>();
    std::istringstream in(std::string(data.begin(), data.end()));  // 22 MB: a copy is fine
    deserialize(impl->net, in);
    return std::unique_ptr<DlibResnet>(new DlibResnet(std::move(impl)));
  } catch (const std::exception& e) {
    return Status::Config(what + ": not a dlib face-recognition network (" + e.what() + ")");
  }
}

Result<Bytes> DlibResnet::Serialize() {
  try {
    impl_->net.clean();
    std::ostringstream out;
    serialize(impl_->net, out);
    const std::string s = out.str();
    return Bytes(s.begin(), s.end());
  } catch (const std::exception& e) {
    return Status::Internal(std::string("serializing the face-recognition network failed: ") +
                            e.what());
  }
}

Result<FaceDescriptor> DlibResnet::Describe(const cv::Mat& bgr_chip) {
  if (bgr_chip.type() != CV_8UC3 || bgr_chip.rows != kChipSize || bgr_chip.cols != kChipSize) {
    return Status::Internal("face chip must be 150x150 8-bit BGR");
  }
  try {
    matrix<float, 0, 1> d = impl_->net(ToDlibRgb(bgr_chip));
    return FaceDescriptor(d.begin(), d.end());
  } catch (const std::exception& e) {
    return Status::Internal(std::string("face-recognition network failed: ") + e.what());
  }
}

}  // namespace pg
