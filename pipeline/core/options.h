// Options: every knob of a gate run, with its meaning and default in one place.
// The CLI fills it from flags; the library never sees argv. Plain data.
#pragma once

#include <cstdint>
#include <string>

namespace pg {

/// Whether faces are also looked for in the photo turned a quarter (`--rotations`); see
/// faces/quarter_turn_detector.h.
enum class RotationMode {
  kOff,   ///< the photo as given only
  kAuto,  ///< as given, plus cheap probes of the 90/270 turns; a turn is searched fully
          ///< when its probe finds a face the upright pass did not
  kAll,   ///< full passes on the photo as given and turned 90 and 270 degrees (3x the work)
};

/// How faces are found (faces/detector_factory.h builds the detector from it). Plain data.
struct DetectorConfig {
  /// Detector names joined by '+' (`--detector`): one name is that detector, several an
  /// ensemble whose boxes are merged, recall first (a face any of them finds is kept).
  /// Names: see DetectorNames() in faces/detector_factory.h. Default: "ssd" (SSD MobileNetV1,
  /// tiled): in tools/eval-detection (docs/eval-detection.md) it found 96 % of the faces of
  /// >= 40 px in 12 MP group scenes of identity portraits at 99 % precision, against HOG's
  /// 82 %, and all of them in scenes of human-annotated group-photo faces; the ensemble
  /// "ssd+blazeface" finds 99 % but with ~2 false faces per photo without people.
  std::string spec = "ssd";

  /// Tiling (`--no-tiling` turns it off): each detector runs over overlapping tiles at a
  /// scale where a face of `min_face_px` is `min_face_margin` times the smallest face it
  /// finds, plus coarser passes up to the whole image, so small faces in large group photos
  /// are found (faces/tiled_detector.h). Off: one pass over the whole image, as before tiling.
  /// Default: on.
  bool tiling = true;

  /// Smallest face that matters (`--min-face`), side in pixels of the oriented image, which
  /// is the published resolution (the gate does not resize). Tiling looks for it at
  /// `min_face_margin` times the detector's smallest face, where it is found reliably. A
  /// face under ~20 px at the published resolution cannot be recognised by a person; if
  /// photos are published downscaled by a factor k, faces under 20*k px of the original are
  /// under 20 px there, and --min-face 25*k gives the default's reach there. A detector
  /// that cannot reach it even at 2x enlargement is a configuration error, never a silent
  /// miss. Default: 25, which gives SSD the plan measured in docs/eval-detection.md (first
  /// level at 1.2x: a 25 px face is 30 px in a tile, a 20 px face 24 px, SSD's smallest).
  int min_face_px = 25;

  /// Tiling: the first level puts a face of min_face_px at this many times the detector's
  /// smallest face. At 1, a face of exactly that size sits at the detector's limit and is
  /// found unreliably (--min-face 40: 81 % of the 40-60 px faces; 97.6 % at 1.25). Under 1
  /// is a configuration error. Default: 1.25.
  double min_face_margin = 1.25;

  /// dlib HOG detector: number of 2x upsampling steps for small images. HOG finds faces
  /// of about 80 px; one upsample reaches about 40 px at ~4x the cost. Applied only to
  /// images (or tiles) whose longer side is at most `hog_upsample_max_side`. Default: 1
  /// step for images up to 1200 px (tiled HOG uses 1200 px tiles, so every tile is upsampled).
  int hog_upsample = 1;
  int hog_upsample_max_side = 1200;

  /// CNN detectors (SSD MobileNetV1, BlazeFace): smallest confidence kept. 0.5 is face-api's
  /// and MediaPipe's default; at 0.75 tiled BlazeFace still has 2 false faces per photo
  /// without people (docs/eval-detection.md). HOG uses its SVM's own threshold (0).
  float min_score = 0.5f;

  /// Rotated photos (`--rotations off|auto|all`): a phone held sideways without an EXIF
  /// orientation gives a photo whose faces lie on their side; tiled SSD then finds 45 % of
  /// them instead of 96 % (docs/eval-detection.md, "Rotated photos": 32 % of faces >= 40 px in
  /// turned scenes; auto 94 %, upright 92.5 %, at 1.5 full + 2 probe passes per upright group
  /// photo, ~1.9 full passes' work, instead of 1; all: 3). Default: auto.
  RotationMode rotations = RotationMode::kAuto;

  /// auto: the probes look for faces of at least this many times min_face_px (a tiled pass
  /// costs ~4x less per doubling of its smallest face). Default: 2 (50 px probes: SSD's
  /// first level at 0.6x).
  int rotation_probe_factor = 2;

  /// auto: a probe's new face triggers the full turned pass only at this score or above.
  /// Default: 0.8 (SSD's false faces in the probes score 0.5-0.7; docs/eval-detection.md).
  /// The score is on the detector's own scale (SSD, BlazeFace: probabilities).
  /// The probe's faces under it are still reported.
  float rotation_trigger_score = 0.8f;
};

struct Options {
  /// Largest image, in pixels (width x height of the stored image), that is decoded.
  /// Bigger files are refused before their pixels are allocated (decompression bombs)
  /// and go to review with reason `undecodable`. Default: 100 MP.
  std::uint64_t max_pixels = 100'000'000;

  /// Largest input file, in bytes, that is read. Default: 200 MiB.
  std::uint64_t max_file_bytes = 200ull << 20;

  /// When faces are found but no face recognition is available to rule out opted-out
  /// students, the item goes to review (`faces_unchecked`) unless this is true
  /// (`--faces-unchecked=allow`). Default: false (review).
  bool allow_unchecked_faces = false;

  /// Face detection: which detector(s), tiling, smallest face (see DetectorConfig).
  DetectorConfig detector;

  /// School year whose permissions count, "2026-27". Empty: derived from the clock
  /// (a school year starts on July 1).
  std::string school_year;

  /// HEIF/HEIC/AVIF have no lossless metadata-free route with the libraries at hand, so
  /// they are re-encoded: as JPEG at `heif_jpeg_quality` (default, what every browser
  /// shows) or, when `heif_to_png`, as PNG (lossless, larger). Default: JPEG at 92.
  bool heif_to_png = false;
  int heif_jpeg_quality = 92;

  /// Face recognition: each detected face is compared with the enrolled reference
  /// photos of photo-opted-out students (`publish-gate directory enroll`). When false
  /// (`--no-recognition`, for states that ban facial recognition in schools), no face is
  /// recognised and every photo with faces goes to review (`faces_unchecked`); names are
  /// still checked. Default: true (the model files must then be present).
  bool face_recognition = true;

  /// Recognition thresholds, on the Euclidean distance between face descriptors:
  /// d <= match_threshold is a confident match (an opted-out student: block);
  /// match_threshold < d <= uncertain_threshold is uncertain (an opted-out student:
  /// review); d > uncertain_threshold is no match.
  /// Measured (tools/eval-recognition, docs/eval-recognition.md; adults): no impostor pair below
  /// 0.58, FMR 0.1 % at 0.600 (match keeps 0.10 below for children); genuine <= 0.627 at >= 40 px.
  double match_threshold = 0.50;
  double uncertain_threshold = 0.65;

  /// Smallest face (shorter side, in pixels of the oriented image) that is recognised;
  /// smaller faces are `face_too_small_to_recognise` (review) unless
  /// allow_small_faces (`--small-faces allow`). Also the smallest face accepted in a
  /// reference photo. Measured (docs/eval-recognition.md): from 40 px on the genuine
  /// distances stay within 0.03 of full size; at 30 px they rise by 0.05. Default: review.
  int min_face_px_for_recognition = 40;
  bool allow_small_faces = false;

  /// Folder holding the face-recognition model files and manifest.txt (see
  /// models/README.md). Empty: the build's default models folder.
  std::string models_dir;

  /// Directory database path. Empty: no directory (then no name can be matched and
  /// every item goes to review with `directory_unavailable`).
  std::string db_path;
};

}  // namespace pg
