// Name finder: finds directory students' names in text that would be published with an
// item (caption, alt text, file name, embedded metadata text).
//
// In: the students (once per run, at start-up) and then any number of texts. Out: one
// NameFact per student found in a text, carrying the exact original words. Matching is
// on whole words after folding case and diacritics ("JOSÉ NÚÑEZ" = "jose nunez"); a
// name is first+last, preferred+last, or last[,] first / last[,] preferred. A first
// name alone, or a last name alone, is never a match: "Maya" or "Park" on its own
// names too many people who are not this student (false positives would bury the real
// findings); the staff review UI is where such single words get flagged. NameIndex is
// immutable after construction: Find may be called from several threads at once.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/image_record.h"
#include "directory/student.h"

namespace pg {

/// Case- and accent-insensitive form of `utf8` for comparisons: canonical decomposition,
/// non-spacing marks removed, Unicode case folding, a few Latin letters that have no
/// decomposition spelled plainly (ł->l, ø->o, đ->d, æ->ae, ß->ss ...), NFC.
/// Ill-formed UTF-8 sequences become U+FFFD. Thread-safe.
std::string FoldForMatch(std::string_view utf8);

class NameIndex {
 public:
  /// Indexes every student with a non-empty last name and first or preferred name.
  explicit NameIndex(const std::vector<Student>& students);

  /// Names in running text (caption, alt text, metadata). Words are runs of letters and
  /// digits; an apostrophe (' ’ ʼ) inside a word is dropped ("O’Brien" = "OBrien") and a
  /// possessive 's is ignored ("Okafor's"); hyphens separate words ("Garcia-Lopez" is
  /// two words, on both sides). One optional single-letter middle initial is allowed
  /// between a first and a last name ("Maya A. Okafor"). Results are in text order, at
  /// most one per student; NameFact.text is the original substring, source as given.
  std::vector<NameFact> Find(std::string_view text, const std::string& source) const;

  /// Names in a file name or relative path ("2026/JaneDoe_03.jpg"): like Find, but
  /// camelCase and letter/digit changes also split words and the separators between a
  /// name's words may be missing altogether ("mayaokafor.jpg"). No middle initial.
  std::vector<NameFact> FindInFileName(std::string_view path,
                                       const std::string& source = "file_name") const;

  /// Number of students indexed.
  size_t size() const { return student_ids_.size(); }

 private:
  struct Pattern {
    std::vector<std::string> head;  ///< first words (given name, or last name when reversed)
    std::vector<std::string> tail;  ///< the rest
    bool initial_ok = false;        ///< a middle initial may stand between head and tail
    size_t student = 0;             ///< index into student_ids_
  };
  std::vector<std::string> student_ids_;
  std::vector<Pattern> patterns_;
  /// First word of a pattern -> patterns starting with it (running text).
  std::unordered_map<std::string, std::vector<size_t>> by_first_word_;
  /// All words of a pattern run together -> students (file names).
  std::unordered_map<std::string, std::vector<size_t>> by_joined_;
  size_t longest_joined_ = 0;
};

/// The names stage: searches record->input.caption ("caption"), alt_text ("alt_text"),
/// rel_path ("file_name") and record->metadata.texts (source = the field name) and
/// appends what it finds to record->names, then sets record->names_checked.
void FindNamesInRecord(const NameIndex& index, ImageRecord* record);

}  // namespace pg
