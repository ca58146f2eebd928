#include <catch2/catch.hpp>

#include <string>

#include "fetch/naming.hpp"
#include "fetch/schedule.hpp"
#include "fetch/url_list.hpp"
#include "util/error.hpp"

using namespace rankpool;
using namespace rankpool::fetch;

namespace {
std::string parse_error(const std::string& text) {
    try {
        parse_url_list(text, "urls.txt");
    } catch (const UsageError& e) {
        return e.what();
    }
    return "no error";
}
}  // namespace

TEST_CASE("the URL list accepts comments and blank lines and CRLF and fields", "[fetch][list]") {
    const auto entries = parse_url_list(
        "# images\r\n"
        "\r\n"
        "https://example.org/a.jpg\r\n"
        "  http://example.org/b?x=1   name=b.png  size=12 sha256=" +
            std::string(64, 'A') +
            "\n"
            "HTTPS://example.org/c\n",
        "urls.txt");
    REQUIRE(entries.size() == 3);
    CHECK(entries[0].line == 3);
    CHECK(entries[0].url == "https://example.org/a.jpg");
    CHECK_FALSE(entries[0].name.has_value());
    CHECK(entries[1].line == 4);
    CHECK(entries[1].name == "b.png");
    CHECK(entries[1].size == 12);
    CHECK(entries[1].sha256 == std::string(64, 'a'));  // lower-cased
    CHECK(entries[2].url == "HTTPS://example.org/c");
}

TEST_CASE("bad list lines are refused with their line number", "[fetch][list]") {
    CHECK(parse_error("http://h/a\nhttp://h/b foo=1\n") == "urls.txt:2: unknown key 'foo' (known: name, sha256, size)");
    CHECK(parse_error("ftp://h/a\n") == "urls.txt:1: scheme 'ftp' is not supported; use http or https");
    CHECK_THAT(parse_error("file:///etc/passwd\n"), Catch::Contains("scheme 'file'"));
    CHECK_THAT(parse_error("example.org/a\n"), Catch::Contains("urls.txt:1: 'example.org/a' is not a URL"));
    CHECK(parse_error("http://h/a sha256=abc\n") == "urls.txt:1: sha256 must be 64 hexadecimal digits");
    CHECK(parse_error("http://h/a sha256=" + std::string(64, 'g') + "\n") ==
          "urls.txt:1: sha256 must be 64 hexadecimal digits");
    CHECK(parse_error("http://h/a size=-1\n") == "urls.txt:1: size must be a whole number of bytes");
    CHECK(parse_error("http://h/a size=1k\n") == "urls.txt:1: size must be a whole number of bytes");
    CHECK_THAT(parse_error("http://h/a name\n"), Catch::Contains("is not a key=value field"));
    for (const std::string bad : {"../x", "a/b", "..", ".", "", "a\tb"})
        CHECK_THAT(parse_error("http://h/a name=" + bad + "\n"),
                   Catch::Contains("is not a plain file name") || Catch::Contains("is not a key=value field"));
    CHECK(parse_error("http://h/a name=x\n\nhttp://h/b name=x\n") == "urls.txt:3: name 'x' is also used on line 1");
    CHECK(parse_error("http://h/a name=" + std::string(256, 'n') + "\n") ==
          "urls.txt:1: name is longer than 255 bytes");
    CHECK(parse_error("http://h/a\nhttp://h/b name=\x01z\n") ==
          "urls.txt:2: name '\x01z' is not a plain file name (no '/', '..', NUL or control characters)");
}

TEST_CASE("an empty list has no entries", "[fetch][list]") {
    CHECK(parse_url_list("", "urls.txt").empty());
    CHECK(parse_url_list("# nothing\n\n", "urls.txt").empty());
}

TEST_CASE("names come from name= then a unique safe last segment then file{i}", "[fetch][names]") {
    const auto entries = parse_url_list(
        "https://picsum.photos/200/300\n"        // "300": also line 2 -> file0
        "https://picsum.photos/200/300\n"        // -> file1
        "https://h/pics/cat.jpg?size=big#top\n"  // -> cat.jpg
        "https://h/x/.hidden\n"                  // starts with '.' -> file3
        "https://h/dir/\n"                       // empty segment -> file4
        "https://h\n"                            // no path -> file5
        "https://h/a%20b.png\n"                  // '%' is not safe -> file6
        "https://h/a..b\n"                       // no name= could hold "a..b" -> file7
        "https://h/other name=file0\n"           // explicit wins; fallbacks step around it
        "https://h/explicit.bin name=cat.jpg2\n",
        "urls.txt");
    CHECK(assign_names(entries) == std::vector<std::string>{"file0-1", "file1", "cat.jpg", "file3", "file4", "file5",
                                                            "file6", "file7", "file0", "cat.jpg2"});
}

TEST_CASE("the tutorial's list of one URL ten times gives file0 to file9", "[fetch][names]") {
    std::string text;
    for (int i = 0; i < 10; ++i) text += "https://picsum.photos/200/300\n";
    const auto names = assign_names(parse_url_list(text, "urls.txt"));
    for (int i = 0; i < 10; ++i) CHECK(names[i] == "file" + std::to_string(i));
}

TEST_CASE("static schedules give every URL to exactly one rank", "[fetch][schedule]") {
    CHECK(static_assignment(Schedule::cyclic, 7, 3, 0) == std::vector<std::int64_t>{0, 3, 6});
    CHECK(static_assignment(Schedule::cyclic, 7, 3, 2) == std::vector<std::int64_t>{2, 5});
    CHECK(static_assignment(Schedule::block, 7, 3, 0) == std::vector<std::int64_t>{0, 1, 2});
    CHECK(static_assignment(Schedule::block, 7, 3, 2) == std::vector<std::int64_t>{5, 6});
    CHECK(static_assignment(Schedule::cyclic, 2, 4, 3).empty());  // more ranks than URLs
    for (Schedule s : {Schedule::cyclic, Schedule::block}) {
        std::vector<int> owners(11, 0);
        for (int rank = 0; rank < 4; ++rank)
            for (std::int64_t i : static_assignment(s, 11, 4, rank)) ++owners[i];
        CHECK(owners == std::vector<int>(11, 1));
    }
    CHECK(parse_schedule("dynamic") == Schedule::dynamic);
    CHECK_FALSE(parse_schedule("random").has_value());
}

TEST_CASE("a failed line is written back in list form", "[fetch][list]") {
    const auto entries = parse_url_list("http://h/a sha256=" + std::string(64, 'b') + " size=3\n", "urls.txt");
    CHECK(list_line(entries[0], "file0") == "http://h/a name=file0 sha256=" + std::string(64, 'b') + " size=3");
}
