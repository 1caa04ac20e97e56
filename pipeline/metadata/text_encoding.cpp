#include "metadata/text_encoding.h"

namespace pg {
namespace {

void AppendCodePoint(std::uint32_t cp, std::string* out) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

/// Length of the well-formed UTF-8 sequence starting at s[i], or 0 if it is not one.
std::size_t Utf8SequenceLength(const std::uint8_t* s, std::size_t n, std::size_t i) {
  const std::uint8_t c = s[i];
  if (c < 0x80) return 1;
  std::size_t len;
  std::uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > n) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((s[i + k] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i + k] & 0x3F);
  }
  static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = Utf8SequenceLength(p, s.size(), i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string BytesToUtf8(const std::uint8_t* data, std::size_t size) {
  std::string raw(reinterpret_cast<const char*>(data), size);
  if (IsValidUtf8(raw)) return raw;
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) AppendCodePoint(data[i], &out);
  return out;
}

std::string Utf16ToUtf8(const std::uint8_t* data, std::size_t size, bool little_endian) {
  std::string out;
  std::size_t i = 0;
  auto unit = [&](std::size_t at) -> std::uint32_t {
    return little_endian ? (data[at] | (data[at + 1] << 8)) : ((data[at] << 8) | data[at + 1]);
  };
  if (size >= 2) {
    if (data[0] == 0xFF && data[1] == 0xFE) {
      little_endian = true;
      i = 2;
    } else if (data[0] == 0xFE && data[1] == 0xFF) {
      little_endian = false;
      i = 2;
    }
  }
  for (; i + 1 < size; i += 2) {
    std::uint32_t u = unit(i);
    if (u == 0) break;
    if (u >= 0xD800 && u <= 0xDBFF && i + 3 < size) {
      const std::uint32_t lo = unit(i + 2);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        AppendCodePoint(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00), &out);
        i += 2;
        continue;
      }
    }
    AppendCodePoint(u, &out);  // unpaired surrogates become U+FFFD there
  }
  return out;
}

std::string TrimText(std::string s) {
  while (!s.empty() && (s.back() == '\0' || s.back() == ' ' || s.back() == '\t' ||
                        s.back() == '\r' || s.back() == '\n')) {
    s.pop_back();
  }
  std::size_t start = 0;
  while (start < s.size() &&
         (s[start] == ' ' || s[start] == '\t' || s[start] == '\r' || s[start] == '\n')) {
    ++start;
  }
  return s.substr(start);
}

std::string Abbreviate(const std::string& s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<std::uint8_t>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "...";
}

std::string PrintableText(const std::uint8_t* data, std::size_t size, std::size_t min_run,
                          std::size_t max_out) {
  std::string out;
  std::string run;
  std::size_t run_chars = 0;
  bool in_tag = false;
  auto flush = [&]() {
    std::string t = TrimText(run);
    if (run_chars >= min_run && !t.empty() && out.size() + t.size() + 2 <= max_out) {
      if (!out.empty()) out += "; ";
      out += t;
    }
    run.clear();
    run_chars = 0;
  };
  for (std::size_t i = 0; i < size && out.size() < max_out;) {
    const std::uint8_t c = data[i];
    const std::size_t len = Utf8SequenceLength(data, size, i);
    const bool printable = (len == 1 && c >= 0x20 && c < 0x7F) || len > 1 || c == '\t';
    if (!printable) {
      flush();
      in_tag = false;
      ++i;
      continue;
    }
    if (c == '<') {
      flush();  // text between tags is its own run
      in_tag = true;
    } else if (c == '>' && in_tag) {
      in_tag = false;
    } else if (!in_tag) {
      run.append(reinterpret_cast<const char*>(data + i), len);
      ++run_chars;
    }
    i += len;
  }
  flush();
  return out;
}

}  // namespace pg
