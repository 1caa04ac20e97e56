// pg_example_exif IN.jpg OUT.jpg: writes a copy of IN.jpg carrying synthetic, phone-like
// EXIF (GPS position, camera serial, owner name, date), made with libexif. Used by
// tools/setup to build the bundled example, where the gate must show the GPS removed.
#include <fstream>
#include <iostream>
#include <iterator>

#include "metadata/exif_writer.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: pg_example_exif IN.jpg OUT.jpg\n";
    return 64;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::cerr << "pg_example_exif: cannot read " << argv[1] << "\n";
    return 66;
  }
  pg::Bytes jpeg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  pg::SyntheticExif exif;
  exif.gps_lat = 37.774929;  // a fictional family's "home": San Francisco city hall
  exif.gps_lon = -122.419416;
  exif.make = "ExamplePhone";
  exif.model = "EP-12";
  exif.body_serial = "SN-0042-7781";
  exif.owner_name = "Pat Example";
  exif.software = "ExamplePhone Camera 4.2";
  exif.date_time_original = "2026:09:14 15:02:11";
  auto out = pg::InsertExifIntoJpeg(jpeg, exif);
  if (!out.ok()) {
    std::cerr << "pg_example_exif: " << out.status().ToString() << "\n";
    return 65;
  }
  std::ofstream o(argv[2], std::ios::binary);
  o.write(reinterpret_cast<const char*>(out->data()), static_cast<std::streamsize>(out->size()));
  if (!o) {
    std::cerr << "pg_example_exif: cannot write " << argv[2] << "\n";
    return 73;
  }
  return 0;
}
