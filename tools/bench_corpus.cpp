// pg_bench_corpus: writes the corpus that tools/bench-strip times the metadata strippers on.
//
//   pg_bench_corpus OUT_DIR N [WIDTH HEIGHT] [--icc FILE]
//   pg_bench_corpus OUT_DIR N --from-testdata DIR
//
// The first form writes N phone-sized JPEGs (default 4032x3024, quality 90) of a synthetic,
// photo-like picture (smooth light, shapes, sensor-like noise: ~3-5 MB each, as a phone's),
// each carrying what a phone and a photo manager write: EXIF (GPS, make/model, serial,
// owner, artist, XPAuthor, dates, software, an IFD1 thumbnail), an XMP packet (dc:creator and
// an MWG face region with a name), IPTC (By-line, caption), an ICC profile in APP2 (the
// file given with --icc, else a placeholder) and a COM. Four base pictures are drawn once;
// every file gets its own patch, GPS position and serial, so no two files are equal.
// The second form copies the JPEGs found below DIR (e.g. shared/testdata/metadata)
// round-robin until N files exist. Prints one summary line; exit 0, 64 usage, 73 on errors.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "metadata/exif_writer.h"
#include "metadata/jpeg_segments.h"
#include "metadata/synthetic_metadata.h"

namespace {

namespace fs = std::filesystem;
constexpr int kQuality = 90;
constexpr int kBases = 4;

bool WriteFile(const fs::path& path, const pg::Bytes& bytes) {
  std::ofstream o(path, std::ios::binary);
  o.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(o);
}

/// A picture with the statistics of a photo: a smooth low-frequency scene, a few soft-edged
/// shapes, fine texture and per-pixel noise (what makes a phone JPEG 3-5 MB at q90).
cv::Mat MakeBase(int width, int height, int seed) {
  cv::RNG rng(static_cast<std::uint64_t>(0x5eed0000 + seed));
  cv::Mat small(12, 16, CV_8UC3);
  rng.fill(small, cv::RNG::UNIFORM, 30, 230);
  cv::Mat img;
  cv::resize(small, img, cv::Size(width, height), 0, 0, cv::INTER_CUBIC);
  for (int i = 0; i < 40; ++i) {
    cv::Point c(rng.uniform(0, width), rng.uniform(0, height));
    cv::Scalar colour(rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255));
    int r = rng.uniform(width / 40, width / 8);
    if (i % 2 == 0) cv::circle(img, c, r, colour, cv::FILLED, cv::LINE_AA);
    else cv::rectangle(img, c, c + cv::Point(r, r / 2), colour, cv::FILLED, cv::LINE_AA);
  }
  cv::GaussianBlur(img, img, cv::Size(0, 0), 3.0);
  cv::Mat texture(height / 4, width / 4, CV_16SC3);  // mid-frequency "foliage"
  rng.fill(texture, cv::RNG::NORMAL, 0, 28);
  cv::resize(texture, texture, img.size(), 0, 0, cv::INTER_LINEAR);
  cv::Mat noise(img.size(), CV_16SC3);  // sensor noise
  rng.fill(noise, cv::RNG::NORMAL, 0, 5);
  cv::Mat sum;
  img.convertTo(sum, CV_16SC3);
  sum += texture + noise;
  sum.convertTo(img, CV_8UC3);  // saturates
  return img;
}

pg::Bytes Encode(const cv::Mat& bgr, int quality) {
  std::vector<unsigned char> buf;
  cv::imencode(".jpg", bgr, buf, {cv::IMWRITE_JPEG_QUALITY, quality});
  return pg::Bytes(buf.begin(), buf.end());
}

std::string Xmp(int i, int width, int height) {
  const std::string name = "Jordan Sample " + std::to_string(i);
  return "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
         "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
         " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
         "  <rdf:Description rdf:about=\"\"\n"
         "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
         "    xmlns:mwg-rs=\"http://www.metadataworkinggroup.com/schemas/regions/\"\n"
         "    xmlns:stArea=\"http://ns.adobe.com/xmp/sType/Area#\"\n"
         "    xmlns:stDim=\"http://ns.adobe.com/xap/1.0/sType/Dimensions#\">\n"
         "   <dc:creator><rdf:Seq><rdf:li>Pat Example</rdf:li></rdf:Seq></dc:creator>\n"
         "   <mwg-rs:Regions rdf:parseType=\"Resource\">\n"
         "    <mwg-rs:AppliedToDimensions stDim:w=\"" + std::to_string(width) +
         "\" stDim:h=\"" + std::to_string(height) + "\" stDim:unit=\"pixel\"/>\n"
         "    <mwg-rs:RegionList><rdf:Bag>\n"
         "     <rdf:li><rdf:Description mwg-rs:Name=\"" + name + "\" mwg-rs:Type=\"Face\">\n"
         "      <mwg-rs:Area stArea:x=\"0.5\" stArea:y=\"0.4\" stArea:w=\"0.1\" stArea:h=\"0.13\""
         " stArea:unit=\"normalized\"/>\n"
         "     </rdf:Description></rdf:li>\n"
         "    </rdf:Bag></mwg-rs:RegionList>\n"
         "   </mwg-rs:Regions>\n"
         "  </rdf:Description>\n"
         " </rdf:RDF>\n"
         "</x:xmpmeta>\n"
         "<?xpacket end=\"w\"?>";
}

/// Adds every kind of metadata the benchmark looks for to the encoded picture.
pg::Result<pg::Bytes> Decorate(const pg::Bytes& jpeg, int i, int width, int height,
                               const pg::Bytes& thumbnail, const pg::Bytes& icc) {
  pg::SyntheticExif exif;
  exif.gps_lat = 37.70 + 0.0013 * (i % 97);
  exif.gps_lon = -122.50 + 0.0017 * (i % 89);
  exif.make = "BenchPhone";
  exif.model = "BP-15 Pro";
  char serial[32];
  std::snprintf(serial, sizeof(serial), "SN-%06d-BP15", 100000 + i);
  exif.body_serial = serial;
  exif.owner_name = "Pat Example";
  exif.artist = "Pat Example";
  exif.xp_author = "Pat Example";
  exif.copyright = "(c) Pat Example";
  exif.image_description = "Field day, class 3B";
  exif.user_comment = "Jordan at the finish line";
  exif.software = "BenchPhone Camera 15.2";
  exif.date_time_original = "2026:05:01 10:" + std::string(i % 60 < 10 ? "0" : "") +
                            std::to_string(i % 60) + ":00";
  exif.orientation = 1;
  exif.thumbnail_jpeg = thumbnail;
  auto out = pg::InsertExifIntoJpeg(jpeg, exif);
  if (!out.ok()) return out.status();
  pg::Bytes b = pg::InsertJpegSegment(*out, pg::kJpegApp1,
                                      pg::MakeXmpApp1Payload(Xmp(i, width, height)));
  auto with_icc = pg::InsertIccIntoJpeg(b, icc);
  if (!with_icc.ok()) return with_icc.status();
  b = pg::InsertJpegSegment(
      *with_icc, pg::kJpegApp13,
      pg::BuildIptcApp13Payload({{80, "Pat Example"},
                                 {120, "Jordan Sample " + std::to_string(i) + " wins the race"},
                                 {25, "field day"}}));
  const std::string comment = "Pat's phone, picture " + std::to_string(i);
  return pg::InsertJpegSegment(b, pg::kJpegCom, pg::Bytes(comment.begin(), comment.end()));
}

int FromTestdata(const fs::path& out_dir, int n, const fs::path& src) {
  std::vector<fs::path> jpegs;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(src, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    std::string ext = it->path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    if (it->is_regular_file() && (ext == ".jpg" || ext == ".jpeg")) jpegs.push_back(it->path());
  }
  if (ec || jpegs.empty()) {
    std::cerr << "pg_bench_corpus: no JPEGs below " << src << "\n";
    return 73;
  }
  std::sort(jpegs.begin(), jpegs.end());
  for (int i = 0; i < n; ++i) {
    const fs::path& in = jpegs[static_cast<std::size_t>(i) % jpegs.size()];
    char prefix[16];
    std::snprintf(prefix, sizeof(prefix), "%05d_", i);
    fs::copy_file(in, out_dir / (prefix + in.filename().string()),
                  fs::copy_options::overwrite_existing, ec);
    if (ec) {
      std::cerr << "pg_bench_corpus: " << in << ": " << ec.message() << "\n";
      return 73;
    }
  }
  std::cout << "copied " << n << " file(s) from " << jpegs.size() << " testdata JPEG(s) into "
            << out_dir.string() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> pos;
  std::string icc_path, testdata;
  for (int a = 1; a < argc; ++a) {
    std::string s = argv[a];
    if ((s == "--icc" || s == "--from-testdata") && a + 1 < argc) {
      (s == "--icc" ? icc_path : testdata) = argv[++a];
    } else {
      pos.push_back(s);
    }
  }
  int n = pos.size() >= 2 ? std::atoi(pos[1].c_str()) : 0;
  int width = pos.size() == 4 ? std::atoi(pos[2].c_str()) : 4032;
  int height = pos.size() == 4 ? std::atoi(pos[3].c_str()) : 3024;
  if ((pos.size() != 2 && pos.size() != 4) || n <= 0 || width < 64 || height < 64) {
    std::cerr << "usage: pg_bench_corpus OUT_DIR N [WIDTH HEIGHT] [--icc FILE]\n"
                 "       pg_bench_corpus OUT_DIR N --from-testdata DIR\n";
    return 64;
  }
  const fs::path out_dir = pos[0];
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) {
    std::cerr << "pg_bench_corpus: " << out_dir << ": " << ec.message() << "\n";
    return 73;
  }
  if (!testdata.empty()) return FromTestdata(out_dir, n, testdata);

  pg::Bytes icc;
  if (!icc_path.empty()) {
    std::ifstream in(icc_path, std::ios::binary);
    icc.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (icc.size() < 132) {
      std::cerr << "pg_bench_corpus: " << icc_path << ": not an ICC profile\n";
      return 73;
    }
  } else {
    icc = pg::BuildPlaceholderIccProfile(3144);
  }

  std::vector<cv::Mat> bases;
  std::vector<pg::Bytes> thumbs;
  for (int b = 0; b < kBases; ++b) {
    bases.push_back(MakeBase(width, height, b));
    cv::Mat t;
    cv::resize(bases.back(), t, cv::Size(160, 120), 0, 0, cv::INTER_AREA);
    thumbs.push_back(Encode(t, 80));
  }
  std::uint64_t total = 0;
  const int patch = std::min(width, height) / 6;
  for (int i = 0; i < n; ++i) {
    cv::Mat& base = bases[static_cast<std::size_t>(i % kBases)];
    // A patch of its own per file, restored after encoding so the bases stay clean.
    cv::Rect r((i * 577) % (width - patch), (i * 331) % (height - patch), patch, patch);
    cv::Mat saved = base(r).clone();
    cv::RNG rng(static_cast<std::uint64_t>(i) + 1);
    cv::Mat roi = base(r);
    roi *= 0.6;
    cv::circle(roi, cv::Point(patch / 2, patch / 2), patch / 3,
               cv::Scalar(rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255)),
               cv::FILLED, cv::LINE_AA);
    pg::Bytes jpeg = Encode(base, kQuality);
    saved.copyTo(base(r));
    auto file = Decorate(jpeg, i, width, height, thumbs[static_cast<std::size_t>(i % kBases)], icc);
    if (!file.ok()) {
      std::cerr << "pg_bench_corpus: " << file.status().ToString() << "\n";
      return 73;
    }
    char name[32];
    std::snprintf(name, sizeof(name), "IMG_%05d.jpg", i);
    if (!WriteFile(out_dir / name, *file)) {
      std::cerr << "pg_bench_corpus: cannot write " << (out_dir / name).string() << "\n";
      return 73;
    }
    total += file->size();
  }
  std::cout << "wrote " << n << " JPEG(s) of " << width << "x" << height << " into "
            << out_dir.string() << ", " << total / n / 1024 << " KiB each on average, ICC "
            << (icc_path.empty() ? "placeholder" : icc_path) << " (" << icc.size() << " bytes)\n";
  return 0;
}
