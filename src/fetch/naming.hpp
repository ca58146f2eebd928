#pragma once
// Where each download lands inside --out. Decided from the list alone, never from the server
// (Content-Disposition and redirects are ignored), so nothing is written outside --out.
#include <string>
#include <vector>

#include "fetch/url_list.hpp"

namespace rankpool::fetch {

// One name per entry: name= if given; otherwise the URL's last path segment when it is a safe
// file name ([A-Za-z0-9._-], not starting with '.', no "..") used by no other entry; otherwise
// "file{i}" with i the entry's index (as the tutorial names its downloads).
std::vector<std::string> assign_names(const std::vector<ListEntry>& entries);

}  // namespace rankpool::fetch
