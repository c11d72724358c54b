#pragma once
// Properties: a message's typed properties packed into one buffer. A queue holds messages by the
// hundred thousand and most carry a handful of small properties; a node-based map costs ~110
// bytes of bookkeeping per property plus a heap block per long key or value, several times the
// data itself. Here each property is [key length][key][type tag u8][value] with scalars in
// native byte order, text/binary as [length][bytes] and lengths as varints: one allocation per
// message, read in place. Lookups scan, which for the few properties a message carries beats hashing.
//
// Insertion order is kept (a STOMP client gets its headers back in the order it sent them).
// Readers get PropertyView, which points into the buffer: valid until the Properties change.
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "store/packed_bytes.hpp"
#include "store/property_value.hpp"

namespace artemis::store {

class PropertyView {
 public:
  PropertyView(PropertyType type, std::string_view payload) : type_(type), payload_(payload) {}

  PropertyType type() const { return type_; }
  bool is_null() const { return type_ == PropertyType::null; }
  // A string value's text / a binary value's bytes; nullopt for every other type.
  std::optional<std::string_view> text() const;
  std::optional<std::string_view> binary() const;
  std::optional<bool> as_bool() const;
  // As PropertyValue's: integers widened to int64, float/double as double.
  std::optional<std::int64_t> as_integer() const;
  std::optional<double> as_floating() const;
  // A float value as it is (as_floating widens it); nullopt for every other type.
  std::optional<float> float32() const;
  std::string as_string() const { return to_value().as_string(); }
  PropertyValue to_value() const;

 private:
  PropertyType type_;
  std::string_view payload_;  // the value's bytes, without a length prefix
};

class Properties {
 public:
  using Entry = std::pair<std::string_view, PropertyView>;

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Entry;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Entry;

    const_iterator() = default;
    Entry operator*() const;
    const_iterator& operator++();
    const_iterator operator++(int) {
      auto old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) {
      return a.at_ == b.at_;
    }

   private:
    friend class Properties;
    const_iterator(const PackedBytes* buf, std::size_t at) : buf_(buf), at_(at) {}
    const PackedBytes* buf_ = nullptr;
    std::size_t at_ = 0;
  };

  Properties() = default;
  Properties(std::initializer_list<std::pair<std::string_view, PropertyValue>> init);

  const_iterator begin() const { return {&buf_, 0}; }
  const_iterator end() const { return {&buf_, buf_.size()}; }
  // Entries in the set, counted by a walk: only the v2 record layout and comparisons need it.
  std::size_t size() const;
  bool empty() const { return buf_.empty(); }

  std::optional<PropertyView> find(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key).has_value(); }
  // The value, copied out; throws std::out_of_range when the key is absent.
  PropertyValue at(std::string_view key) const;
  // Sets the value, replacing the key's old one in its place.
  void set(std::string_view key, const PropertyValue& value);
  // Adds the key only when it is absent (the first of repeated headers wins); true if added.
  bool emplace(std::string_view key, const PropertyValue& value);
  // set() and emplace() of a string value without building a PropertyValue (a copy of the
  // text): how a protocol's text headers become properties.
  void set_text(std::string_view key, std::string_view text);
  bool emplace_text(std::string_view key, std::string_view text);
  // Room for `bytes` of entries (see text_entry_size), so building a set grows it once.
  void reserve(std::size_t bytes) { buf_.reserve(bytes); }
  // Bytes a text entry takes in the buffer, for reserve().
  static std::size_t text_entry_size(std::size_t key_size, std::size_t text_size);
  bool erase(std::string_view key);
  // Gives back spare capacity left by building the set one property at a time: called once a
  // message is complete (PostOffice, when it is routed; the decoder, when it is loaded).
  // A few spare bytes are not worth a reallocation and a copy, unless the set then fits inline.
  void shrink_to_fit() {
    if (buf_.size() <= PackedBytes::kInline || buf_.capacity() - buf_.size() > 16)
      buf_.shrink_to_fit();
  }
  // Bytes the properties occupy (for memory accounting).
  std::size_t byte_size() const { return buf_.size(); }
  // The packed buffer as it is: a stored message record holds it verbatim (layout v3), so
  // storing a message copies its properties instead of encoding them one by one.
  std::string_view packed() const { return buf_.view(); }
  // Properties from a packed buffer written by a little-endian host (what packed() gives
  // there), checked entry by entry so that damaged bytes are refused, never read out of
  // bounds; a big-endian host turns the scalars around. nullopt when the bytes are no such
  // buffer.
  static std::optional<Properties> from_packed(std::string_view bytes);

  // Equal when they hold the same keys with equal values, in any order.
  friend bool operator==(const Properties& a, const Properties& b);

 private:
  // Where the entry holding `key` starts and ends in buf_; nullopt when absent.
  std::optional<std::pair<std::size_t, std::size_t>> locate(std::string_view key) const;
  void append(std::string_view key, const PropertyValue& value);
  void append_text(std::string_view key, std::string_view text);

  PackedBytes buf_;
};

}  // namespace artemis::store
