// Placeholder: replaced by the limits program.
int main() { return 0; }
