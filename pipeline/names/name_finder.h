// Name finder: finds directory students' names in text that would be published with an
// item (caption, alt text, file name, embedded metadata text).
//
// In: the students (once per run, at start-up) and then any number of texts. Out: NameFacts
// carrying the exact original words. Texts and directory names are read by one normaliser
// (names/text_normaliser.h): whole words, compared after folding case, diacritics,
// compatibility forms, invisible characters and look-alike letters ("JOSÉ NÚÑEZ" = "jose
// nunez", "Mаya" with a Cyrillic а = "Maya"). A full name (NameMatch::kFull) is first+last,
// preferred+last, or last[,] first / last[,] preferred. A first or preferred name alone is a
// NameMatch::kGivenOnly fact: on its own "Maya" names too many people who are not this
// student, so it counts only beside a face recognised as them (policy/decide.h); a last name
// alone is never a fact. A text that cannot be read in full (ill-formed UTF-8, an ICU error)
// is reported, so the item goes to review. NameIndex is immutable after construction: its
// methods may be called from several threads at once.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/image_record.h"
#include "core/status.h"
#include "directory/student.h"
#include "names/text_normaliser.h"

namespace pg {

class NameIndex {
 public:
  /// Indexes every student's full names (students with a last name and a first or
  /// preferred name) and given names (every first or preferred name).
  explicit NameIndex(const std::vector<Student>& students);

  /// Every name fact in one text, full names first, each in text order. Full names in
  /// running text (WordBreaks::kText: caption, alt text, metadata): an apostrophe inside a
  /// word is dropped ("O’Brien" = "OBrien") and a possessive 's is ignored ("Okafor’s");
  /// hyphens and dashes separate words ("Garcia-Lopez" is two words, on both sides); one
  /// optional single-letter middle initial may stand between a first and a last name ("Maya
  /// A. Okafor"). In a file name or path (WordBreaks::kFileName: "2026/JaneDoe_03.jpg"),
  /// camelCase and letter/digit changes also split words, the separators between a name's
  /// words may be missing ("mayaokafor.jpg"), and there is no middle initial. Then a
  /// kGivenOnly fact for each student with no full name in the text whose first or preferred
  /// name stands there as whole words ("Lucas’s volcano", "sports/LUCAS_goal.jpg"). A text
  /// holding invisible characters is read with them joining and with them breaking words
  /// (text_normaliser.h, Ignorables) and a name found either way counts. At most one fact
  /// per student; NameFact.text is the original substring (ill-formed bytes as U+FFFD),
  /// source as given. If `status` is
  /// given and the text could not be read in full, it is set to why (see SplitWords).
  std::vector<NameFact> FindAll(std::string_view text, const std::string& source,
                                WordBreaks breaks, Status* status = nullptr) const;

  /// The full names FindAll finds in running text.
  std::vector<NameFact> Find(std::string_view text, const std::string& source,
                             Status* status = nullptr) const;

  /// The full names FindAll finds in a file name or relative path.
  std::vector<NameFact> FindInFileName(std::string_view path,
                                       const std::string& source = "file_name",
                                       Status* status = nullptr) const;

  /// Number of students whose full names are indexed.
  size_t size() const { return full_students_; }

  /// Ok, or why some directory name could not be read in full ("S1002 last_name: ill-formed
  /// UTF-8 at byte 3"): that student's name may then be missed in every text.
  const Status& status() const { return status_; }

 private:
  struct Pattern {
    std::vector<std::string> head;  ///< first words (given name, or last name when reversed)
    std::vector<std::string> tail;  ///< the rest; empty for a given name alone
    bool initial_ok = false;        ///< a middle initial may stand between head and tail
    size_t student = 0;             ///< index into student_ids_
  };
  using WordIndex = std::unordered_map<std::string, std::vector<size_t>>;

  void FullNames(std::string_view text, const std::vector<TextWord>& words, WordBreaks breaks,
                 const std::string& source, std::vector<NameFact>* out) const;
  void GivenNames(std::string_view text, const std::vector<TextWord>& words,
                  const std::string& source, std::vector<NameFact>* out) const;

  std::vector<std::string> student_ids_;
  size_t full_students_ = 0;
  std::vector<Pattern> patterns_;  ///< full names
  std::vector<Pattern> given_;     ///< first and preferred names alone
  /// First word of a pattern -> patterns starting with it (running text).
  WordIndex by_first_word_;
  WordIndex given_by_first_word_;
  /// All words of a pattern run together -> students (file names).
  WordIndex by_joined_;
  size_t longest_joined_ = 0;
  Status status_;
};

/// The names stage: runs FindAll on record->input.caption ("caption"), alt_text ("alt_text"),
/// rel_path ("file_name") and record->metadata.texts (source = the field name) and appends
/// the facts to record->names, one per (student, source): a full name replaces a given-only
/// fact of the same student and source. A text that could not be read in full, or a
/// directory name that could not (index.status()), adds a Problem "name_text_unreadable"
/// naming the source, so the item goes to review. Then sets record->names_checked.
void FindNamesInRecord(const NameIndex& index, ImageRecord* record);

}  // namespace pg
