// seedkeeper's native UDP engine for the embedded DNS server.
//
// Node 20's dgram costs ~12 µs of one core per datagram before any DNS work (recvmsg, a callback into
// JavaScript, an event, a send request, sendmsg), more than BIND's whole answer. This engine moves the
// common case off that path: N threads, each with its own SO_REUSEPORT socket on the same address, read
// queries in batches (recvmmsg), answer the ones that hit the pre-encoded zone image (built in JavaScript
// from the same compiled zone the JavaScript responder uses: src/providers/embedded/native/zone-image.ts)
// and write the answers in batches (sendmmsg). Everything else (malformed packets, FORMERR, NOTIMP,
// BADVERS, other additional records, a zone not loaded yet) is handed to JavaScript unchanged, whose
// responder decides and replies through send(); so the semantics live in one place (query.ts) and this
// file only copies bytes for the cases that responder would answer the same way every time.
//
// A new zone image replaces the old one with one atomic pointer swap; a thread takes the pointer once per
// batch, so every answer comes from exactly one image (the old or the new, never a mix).

#define NAPI_VERSION 8
#include <node_api.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

constexpr int kBatch = 64;
constexpr int kMaxThreads = 64;
constexpr size_t kMaxName = 255;
constexpr uint16_t kQr = 0x8000, kTc = 0x0200, kRd = 0x0100, kCd = 0x0010;
constexpr uint16_t kTypeOpt = 41;
constexpr uint16_t kRcodeRefused = 5;
// Bounds the packets (and their bytes) waiting for JavaScript; beyond, they are dropped and counted.
constexpr int64_t kMaxPendingPackets = 4096;
constexpr int64_t kMaxPendingBytes = 8 << 20;
// How often a thread blocked in recvmmsg looks at the stop flag (close() also shuts the socket down).
constexpr int kWakeMs = 100;

inline uint16_t rd16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
inline void wr16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

// ---------------------------------------------------------------------------------------------------------
// The zone image (format written by zone-image.ts; all integers big-endian):
//   u8 version (1), u8 loaded, u16 zoneWireLen, zoneWire, answer nxdomain, u32 names,
//   per name: u8 nameLen, lowercase wire name, answer nodata, u16 types, per type: u16 type, answer
//   answer: u16 flags, u16 an, u16 ns, u16 bodies, u32 bodyLen, bodies × bodyLen bytes

struct Answer {
  uint16_t flags = 0, an = 0, ns = 0;
  std::vector<std::string> bodies;
};

struct NameEntry {
  Answer nodata;
  std::vector<std::pair<uint16_t, Answer>> byType;
  const Answer& find(uint16_t type) const {
    for (const auto& t : byType)
      if (t.first == type) return t.second;
    return nodata;
  }
};

struct Zone {
  bool loaded = false;
  std::string zoneWire;
  Answer nxdomain;
  std::unordered_map<std::string, NameEntry> names;
};

class Reader {
 public:
  Reader(const uint8_t* p, size_t n) : p_(p), n_(n) {}
  bool ok() const { return ok_; }
  bool done() const { return ok_ && at_ == n_; }
  uint32_t u8() { return need(1) ? p_[at_++] : 0; }
  uint32_t u16() {
    if (!need(2)) return 0;
    uint32_t v = rd16(p_ + at_);
    at_ += 2;
    return v;
  }
  uint32_t u32() {
    uint32_t hi = u16();
    return (hi << 16) | u16();
  }
  std::string bytes(size_t k) {
    if (!need(k)) return std::string();
    std::string s(reinterpret_cast<const char*>(p_ + at_), k);
    at_ += k;
    return s;
  }
  bool answer(Answer& a) {
    a.flags = static_cast<uint16_t>(u16());
    a.an = static_cast<uint16_t>(u16());
    a.ns = static_cast<uint16_t>(u16());
    uint32_t count = u16();
    uint32_t len = u32();
    if (!ok_ || count == 0 || len > 65535) return ok_ = false;
    for (uint32_t i = 0; i < count && ok_; i++) a.bodies.push_back(bytes(len));
    return ok_;
  }

 private:
  bool need(size_t k) {
    if (!ok_ || n_ - at_ < k) ok_ = false;
    return ok_;
  }
  const uint8_t* p_;
  size_t n_;
  size_t at_ = 0;
  bool ok_ = true;
};

std::shared_ptr<const Zone> parseZone(const uint8_t* p, size_t n) {
  Reader r(p, n);
  auto z = std::make_shared<Zone>();
  if (r.u8() != 1) return nullptr;
  z->loaded = r.u8() != 0;
  z->zoneWire = r.bytes(r.u16());
  if (!r.answer(z->nxdomain)) return nullptr;
  uint32_t names = r.u32();
  if (!r.ok() || names > (n / 8)) return nullptr;
  z->names.reserve(names);
  for (uint32_t i = 0; i < names && r.ok(); i++) {
    std::string name = r.bytes(r.u8());
    NameEntry e;
    if (!r.answer(e.nodata)) return nullptr;
    uint32_t types = r.u16();
    for (uint32_t t = 0; t < types && r.ok(); t++) {
      uint16_t type = static_cast<uint16_t>(r.u16());
      Answer a;
      if (!r.answer(a)) return nullptr;
      e.byType.emplace_back(type, std::move(a));
    }
    z->names.emplace(std::move(name), std::move(e));
  }
  if (!r.done()) return nullptr;
  return z;
}

// ---------------------------------------------------------------------------------------------------------
// Counters: each is written by one thread only (relaxed load + store, no locked instruction) and read by
// JavaScript in stats().

enum Counter {
  kReceived,
  kAnswered,
  kTruncated,
  kToJs,
  kDroppedOverload,
  kRecvErrors,
  kSendErrors,
  kRcode0,  // kRcode0 + rcode for rcodes 0..5
  kCounters = kRcode0 + 6,
};

struct Counters {
  std::atomic<uint64_t> v[kCounters];
  Counters() {
    for (auto& c : v) c.store(0, std::memory_order_relaxed);
  }
  void add(int i, uint64_t n = 1) { v[i].store(v[i].load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
};

struct Config {
  uint32_t maxQueryBytes = 4096;
  uint32_t maxUdpPayload = 1232;
  std::string opt;  // our OPT record, appended when the query had one
};

// The fast path. Returns the response's length in `out`, or 0 when JavaScript must decide (see the top).
// Mirrors Responder.respond and #write in query.ts for the cases it accepts.
size_t fastAnswer(const Zone& z, const Config& cfg, const uint8_t* q, size_t len, uint8_t* out, uint32_t& turn,
                  Counters& c, std::string& key) {
  if (len < 12 || len > cfg.maxQueryBytes || !z.loaded) return 0;
  const uint16_t flags = rd16(q + 2);
  if ((flags & kQr) != 0 || ((flags >> 11) & 0xf) != 0) return 0;
  if (rd16(q + 4) != 1 || rd16(q + 6) != 0 || rd16(q + 8) != 0) return 0;
  const uint16_t ar = rd16(q + 10);
  if (ar > 1) return 0;

  uint8_t name[kMaxName + 1];
  size_t w = 0, p = 12;
  for (;;) {
    if (p >= len) return 0;
    const uint8_t l = q[p];
    if (l == 0) break;
    if (l > 63 || w + l + 2 > kMaxName || p + l + 1 > len) return 0;
    name[w++] = l;
    for (size_t i = p + 1, end = p + l + 1; i < end; i++) {
      const uint8_t ch = q[i];
      name[w++] = (ch >= 'A' && ch <= 'Z') ? (ch | 0x20) : ch;
    }
    p += l + 1;
  }
  name[w++] = 0;
  p++;
  const size_t qEnd = p + 4;
  if (qEnd > len) return 0;
  const uint16_t qtype = rd16(q + p), qclass = rd16(q + p + 2);
  if (qtype == kTypeOpt || (qtype >= 251 && qtype <= 254)) return 0;  // OPT; IXFR AXFR MAILB MAILA
  if (qclass != 1 && qclass != 255) return 0;

  bool edns = false;
  uint32_t ednsSize = 0;
  if (ar == 1) {
    // Only an OPT at the root, version 0, wholly inside the packet; anything else is JavaScript's.
    const size_t o = qEnd;
    if (o + 11 > len || q[o] != 0 || rd16(q + o + 1) != kTypeOpt || q[o + 6] != 0) return 0;
    if (o + 11 + rd16(q + o + 9) > len) return 0;
    edns = true;
    ednsSize = rd16(q + o + 3);
  }

  // Never destroyed: a thread may still be answering while the process exits.
  static const Answer& kEmpty = *[] {
    auto* a = new Answer();
    a->bodies.emplace_back();
    return a;
  }();
  key.assign(reinterpret_cast<const char*>(name), w);
  const Answer* a;
  uint16_t rcode = 0;
  int apexAt = -1;
  auto it = z.names.find(key);
  if (it != z.names.end()) {
    a = &it->second.find(qtype);
  } else {
    const size_t zw = z.zoneWire.size();
    bool inZone = false;
    if (w >= zw && memcmp(name + (w - zw), z.zoneWire.data(), zw) == 0) {
      size_t at = 0;
      for (int i = 0; i < 128 && at < w - zw; i++) at += name[at] + 1;
      inZone = at == w - zw;
    }
    if (inZone) {
      apexAt = static_cast<int>(w - zw);
      a = &z.nxdomain;
    } else {
      a = &kEmpty;
      rcode = kRcodeRefused;
    }
  }

  const std::string& body = a->bodies.size() == 1 ? a->bodies[0] : a->bodies[turn++ % a->bodies.size()];
  uint16_t an = a->an, ns = a->ns, bits = a->flags | rcode;
  const size_t optLen = edns ? cfg.opt.size() : 0;
  const size_t ptrLen = apexAt >= 0 ? 2 : 0;
  size_t size = qEnd + ptrLen + body.size() + optLen;
  const size_t limit = edns ? std::min<size_t>(std::max<size_t>(ednsSize, 512), cfg.maxUdpPayload) : 512;
  bool truncated = false;
  if (size > limit) {
    truncated = true;
    size = qEnd + optLen;
    an = ns = 0;
    bits |= kTc;
    c.add(kTruncated);
  }
  memcpy(out, q, qEnd);
  wr16(out + 2, static_cast<uint16_t>(kQr | (flags & (kRd | kCd)) | bits));
  wr16(out + 4, 1);
  wr16(out + 6, an);
  wr16(out + 8, ns);
  wr16(out + 10, optLen == 0 ? 0 : 1);
  size_t at = qEnd;
  if (!truncated) {
    if (ptrLen != 0) {
      wr16(out + at, static_cast<uint16_t>(0xc000 | (12 + apexAt)));
      at += 2;
    }
    memcpy(out + at, body.data(), body.size());
    at += body.size();
  }
  if (optLen != 0) memcpy(out + at, cfg.opt.data(), optLen);
  c.add(kAnswered);
  c.add(kRcode0 + (bits & 0xf));
  return size;
}

// ---------------------------------------------------------------------------------------------------------
// The engine: sockets, threads, the current zone, the way to JavaScript.

struct Packet {
  uint32_t socket;
  sockaddr_storage addr;
  socklen_t addrLen;
  std::string data;
};
struct Batch {
  std::vector<Packet> packets;
  int64_t bytes = 0;
};

struct Engine {
  Config cfg;
  std::vector<int> fds;
  std::vector<std::thread> threads;
  std::vector<std::unique_ptr<Counters>> counters;  // one per thread, plus one for probe()
  std::shared_ptr<const Zone> zone;                 // std::atomic_load / std::atomic_store only
  std::atomic<bool> stopping{false};
  // Packets and bytes handed to JavaScript and not yet answered there (the bound above).
  std::atomic<int64_t> pendingPackets{0}, pendingBytes{0};
  napi_threadsafe_function toJs = nullptr;
  bool closed = false;
  uint32_t probeTurn = 0;
  std::string probeKey;
};

void serve(Engine* e, uint32_t index) {
  const int fd = e->fds[index];
  Counters& c = *e->counters[index];
  const size_t inCap = e->cfg.maxQueryBytes + 1;  // one more byte: a longer query is seen as too long, not cut
  const size_t outCap = std::max<size_t>(e->cfg.maxUdpPayload, e->cfg.maxQueryBytes) + 512;
  std::vector<uint8_t> in(inCap * kBatch), out(outCap * kBatch);
  std::vector<sockaddr_storage> addrs(kBatch);
  std::vector<iovec> inIov(kBatch), outIov(kBatch);
  std::vector<mmsghdr> inMsgs(kBatch), outMsgs(kBatch);
  std::string key;
  key.reserve(kMaxName + 1);
  uint32_t turn = 0;
  while (!e->stopping.load(std::memory_order_relaxed)) {
    for (int i = 0; i < kBatch; i++) {
      inIov[i] = {in.data() + i * inCap, inCap};
      inMsgs[i].msg_hdr = {&addrs[i], sizeof(sockaddr_storage), &inIov[i], 1, nullptr, 0, 0};
      inMsgs[i].msg_len = 0;
    }
    const int n = recvmmsg(fd, inMsgs.data(), kBatch, MSG_WAITFORONE, nullptr);
    if (n <= 0) {
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) c.add(kRecvErrors);
      continue;
    }
    c.add(kReceived, static_cast<uint64_t>(n));
    std::shared_ptr<const Zone> z = std::atomic_load(&e->zone);
    int k = 0;
    Batch* misses = nullptr;
    for (int i = 0; i < n; i++) {
      const uint8_t* q = in.data() + i * inCap;
      const size_t len = inMsgs[i].msg_len;
      uint8_t* o = out.data() + k * outCap;
      const size_t size = z ? fastAnswer(*z, e->cfg, q, len, o, turn, c, key) : 0;
      if (size > 0) {
        outIov[k] = {o, size};
        outMsgs[k].msg_hdr = {&addrs[i], inMsgs[i].msg_hdr.msg_namelen, &outIov[k], 1, nullptr, 0, 0};
        k++;
        continue;
      }
      if (misses == nullptr) misses = new Batch();
      Packet pkt;
      pkt.socket = index;
      pkt.addr = addrs[i];
      pkt.addrLen = inMsgs[i].msg_hdr.msg_namelen;
      pkt.data.assign(reinterpret_cast<const char*>(q), len);
      misses->bytes += static_cast<int64_t>(len);
      misses->packets.push_back(std::move(pkt));
    }
    for (int sent = 0; sent < k;) {
      const int m = sendmmsg(fd, outMsgs.data() + sent, k - sent, 0);
      if (m > 0) {
        sent += m;
      } else {
        if (errno == EINTR) continue;
        c.add(kSendErrors);
        sent++;  // skip the one that failed (e.g. an unreachable peer); the rest still go
      }
    }
    if (misses != nullptr) {
      const int64_t count = static_cast<int64_t>(misses->packets.size()), bytes = misses->bytes;
      const int64_t packetsBefore = e->pendingPackets.fetch_add(count);
      const int64_t bytesBefore = e->pendingBytes.fetch_add(bytes);
      const bool room = packetsBefore + count <= kMaxPendingPackets && bytesBefore + bytes <= kMaxPendingBytes;
      if (room && napi_call_threadsafe_function(e->toJs, misses, napi_tsfn_nonblocking) == napi_ok) {
        c.add(kToJs, static_cast<uint64_t>(count));
      } else {
        e->pendingPackets.fetch_sub(count);
        e->pendingBytes.fetch_sub(bytes);
        c.add(kDroppedOverload, static_cast<uint64_t>(count));
        delete misses;
      }
    }
  }
}

void stopEngine(Engine* e) {
  if (e->closed) return;
  e->closed = true;
  e->stopping.store(true);
  for (int fd : e->fds) shutdown(fd, SHUT_RDWR);  // wakes a blocked recvmmsg at once
  for (auto& t : e->threads) t.join();
  for (int fd : e->fds) close(fd);
  e->fds.clear();
  if (e->toJs != nullptr) {
    napi_release_threadsafe_function(e->toJs, napi_tsfn_abort);
    e->toJs = nullptr;
  }
}

// ---------------------------------------------------------------------------------------------------------
// N-API glue.

#define CHECK(call)                     \
  do {                                  \
    if ((call) != napi_ok) return false; \
  } while (0)

napi_value throwError(napi_env env, const char* code, const std::string& msg) {
  napi_throw_error(env, code, msg.c_str());
  return nullptr;
}

bool getU32(napi_env env, napi_value obj, const char* key, uint32_t& out) {
  napi_value v;
  bool has = false;
  CHECK(napi_has_named_property(env, obj, key, &has));
  if (!has) return true;
  CHECK(napi_get_named_property(env, obj, key, &v));
  CHECK(napi_get_value_uint32(env, v, &out));
  return true;
}

bool getString(napi_env env, napi_value obj, const char* key, std::string& out) {
  napi_value v;
  CHECK(napi_get_named_property(env, obj, key, &v));
  size_t n = 0;
  CHECK(napi_get_value_string_utf8(env, v, nullptr, 0, &n));
  out.resize(n + 1);
  CHECK(napi_get_value_string_utf8(env, v, &out[0], n + 1, &n));
  out.resize(n);
  return true;
}

bool getBuffer(napi_env env, napi_value v, const uint8_t*& data, size_t& len) {
  void* p = nullptr;
  CHECK(napi_get_buffer_info(env, v, &p, &len));
  data = static_cast<const uint8_t*>(p);
  return true;
}

Engine* unwrap(napi_env env, napi_value v) {
  void* p = nullptr;
  if (napi_get_value_external(env, v, &p) != napi_ok) return nullptr;
  return static_cast<Engine*>(p);
}

// A call whose first argument is the engine: its arguments, and the engine (null if missing or not one).
struct EngineCall {
  napi_value argv[4];
  Engine* engine = nullptr;
};

EngineCall engineCall(napi_env env, napi_callback_info info, size_t arity) {
  EngineCall call;
  size_t argc = 4;
  napi_get_cb_info(env, info, &argc, call.argv, nullptr, nullptr);
  if (argc >= arity) call.engine = unwrap(env, call.argv[0]);
  return call;
}

void callJs(napi_env env, napi_value fn, void* context, void* data) {
  std::unique_ptr<Batch> batch(static_cast<Batch*>(data));
  auto* e = static_cast<Engine*>(context);
  e->pendingPackets.fetch_sub(static_cast<int64_t>(batch->packets.size()));
  e->pendingBytes.fetch_sub(batch->bytes);
  if (env == nullptr || fn == nullptr) return;  // closing: the packets are dropped with the engine
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  for (const Packet& pkt : batch->packets) {
    napi_value args[3];
    void* copy;
    napi_create_uint32(env, pkt.socket, &args[0]);
    napi_create_buffer_copy(env, pkt.data.size(), pkt.data.data(), &copy, &args[1]);
    napi_create_buffer_copy(env, pkt.addrLen, &pkt.addr, &copy, &args[2]);
    if (napi_call_function(env, undefined, fn, 3, args, nullptr) != napi_ok) {
      napi_value ignored;
      napi_get_and_clear_last_exception(env, &ignored);  // the JavaScript side catches its own; never stop here
    }
  }
}

int openSocket(const std::string& host, uint32_t port, uint32_t rcvbuf, bool reusePort, std::string& err) {
  sockaddr_storage ss{};
  socklen_t len;
  int family;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    family = v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    len = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    family = v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    len = sizeof(sockaddr_in6);
  } else {
    err = "not an IP address";
    return -1;
  }
  const int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    err = strerror(errno);
    return -1;
  }
  const int one = 1, zero = 0;
  timeval tv{0, kWakeMs * 1000};
  if (reusePort) setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  if (family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));  // as dgram's default
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    err = errno == EADDRINUSE ? "EADDRINUSE" : strerror(errno);
    close(fd);
    return -1;
  }
  return fd;
}

uint32_t boundPort(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
}

// At the environment's teardown (process exit without close()): stop the threads before anything they use goes.
void cleanupEngine(void* data) { stopEngine(static_cast<Engine*>(data)); }

void finalizeEngine(napi_env env, void* data, void*) {
  auto* e = static_cast<Engine*>(data);
  napi_remove_env_cleanup_hook(env, cleanupEngine, e);
  stopEngine(e);
  delete e;
}

// open({ host, port, threads, maxQueryBytes, maxUdpPayload, opt, rcvbuf }, onMiss) → engine
// threads 0: no sockets (probe() only, for tests).
napi_value Open(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < 2) return throwError(env, "ERR_INVALID_ARGUMENT", "open(options, onMiss)");
  auto e = std::make_unique<Engine>();
  std::string host;
  uint32_t port = 0, threads = 1, rcvbuf = 0;
  const uint8_t* opt = nullptr;
  size_t optLen = 0;
  napi_value optValue;
  if (!getString(env, argv[0], "host", host) || !getU32(env, argv[0], "port", port) ||
      !getU32(env, argv[0], "threads", threads) || !getU32(env, argv[0], "maxQueryBytes", e->cfg.maxQueryBytes) ||
      !getU32(env, argv[0], "maxUdpPayload", e->cfg.maxUdpPayload) || !getU32(env, argv[0], "rcvbuf", rcvbuf) ||
      napi_get_named_property(env, argv[0], "opt", &optValue) != napi_ok || !getBuffer(env, optValue, opt, optLen))
    return throwError(env, "ERR_INVALID_ARGUMENT", "open: bad options");
  if (threads > kMaxThreads || port > 65535 || e->cfg.maxQueryBytes > 65535 || e->cfg.maxUdpPayload > 65535)
    return throwError(env, "ERR_INVALID_ARGUMENT", "open: option out of range");
  e->cfg.opt.assign(reinterpret_cast<const char*>(opt), optLen);
  if (threads > 0) {
    // Claim the port with a plain socket first. A SO_REUSEPORT socket joins any group of the same user on
    // its port, and the kernel's pick for port 0 may be such a port: the threads would silently share their
    // queries with another process. A plain bind fails if anyone holds the port (EADDRINUSE, like dgram's
    // exclusive bind), and with port 0 returns one nobody holds; the threads' sockets take it at once.
    std::string err;
    const int claim = openSocket(host, port, 0, false, err);
    if (claim < 0)
      return throwError(env, err == "EADDRINUSE" ? "EADDRINUSE" : "ERR_NATIVE_UDP", "bind " + host + ": " + err);
    port = boundPort(claim);
    close(claim);
  }
  for (uint32_t i = 0; i < threads; i++) {
    std::string err;
    const int fd = openSocket(host, port, rcvbuf, true, err);
    if (fd < 0) {
      for (int other : e->fds) close(other);
      return throwError(env, err == "EADDRINUSE" ? "EADDRINUSE" : "ERR_NATIVE_UDP", "bind " + host + ": " + err);
    }
    e->fds.push_back(fd);
  }
  for (uint32_t i = 0; i <= threads; i++) e->counters.push_back(std::make_unique<Counters>());
  napi_value name;
  napi_create_string_utf8(env, "seedkeeper-udp", NAPI_AUTO_LENGTH, &name);
  // Queue size 0 (unlimited calls): the pending-packet counters above are the bound.
  if (napi_create_threadsafe_function(env, argv[1], nullptr, name, 0, 1, nullptr, nullptr, e.get(), callJs,
                                      &e->toJs) != napi_ok) {
    for (int fd : e->fds) close(fd);
    return throwError(env, "ERR_NATIVE_UDP", "cannot create the callback into JavaScript");
  }
  if (threads == 0) napi_unref_threadsafe_function(env, e->toJs);
  Engine* raw = e.release();
  for (uint32_t i = 0; i < threads; i++) raw->threads.emplace_back(serve, raw, i);
  napi_value out, portValue, handle;
  napi_create_object(env, &out);
  napi_create_external(env, raw, finalizeEngine, nullptr, &handle);
  napi_add_env_cleanup_hook(env, cleanupEngine, raw);
  napi_create_uint32(env, port, &portValue);
  napi_set_named_property(env, out, "handle", handle);
  napi_set_named_property(env, out, "port", portValue);
  return out;
}

// setZone(engine, image): the image replaces the current zone for every later batch.
napi_value SetZone(napi_env env, napi_callback_info info) {
  EngineCall call = engineCall(env, info, 2);
  Engine* e = call.engine;
  const uint8_t* data;
  size_t len;
  if (e == nullptr || !getBuffer(env, call.argv[1], data, len))
    return throwError(env, "ERR_INVALID_ARGUMENT", "setZone(engine, image)");
  std::shared_ptr<const Zone> z = parseZone(data, len);
  if (!z) return throwError(env, "ERR_NATIVE_ZONE_IMAGE", "the zone image is malformed");
  std::atomic_store(&e->zone, z);
  return nullptr;
}

// send(engine, socket, data, addr) → 0 or an errno: JavaScript's answer to a packet it was handed.
napi_value Send(napi_env env, napi_callback_info info) {
  EngineCall call = engineCall(env, info, 4);
  Engine* e = call.engine;
  uint32_t socketIndex = 0;
  const uint8_t *data, *addr;
  size_t len, addrLen;
  if (e == nullptr || napi_get_value_uint32(env, call.argv[1], &socketIndex) != napi_ok ||
      !getBuffer(env, call.argv[2], data, len) || !getBuffer(env, call.argv[3], addr, addrLen) ||
      addrLen > sizeof(sockaddr_storage))
    return throwError(env, "ERR_INVALID_ARGUMENT", "send(engine, socket, data, addr)");
  int result = EBADF;
  if (!e->closed && socketIndex < e->fds.size()) {
    const ssize_t n = sendto(e->fds[socketIndex], data, len, MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(addr),
                             static_cast<socklen_t>(addrLen));
    result = n < 0 ? errno : 0;
  }
  napi_value out;
  napi_create_int32(env, result, &out);
  return out;
}

// probe(engine, query) → the fast path's answer or null (JavaScript's): the same function the threads run.
napi_value Probe(napi_env env, napi_callback_info info) {
  EngineCall call = engineCall(env, info, 2);
  Engine* e = call.engine;
  const uint8_t* q;
  size_t len;
  if (e == nullptr || !getBuffer(env, call.argv[1], q, len)) return throwError(env, "ERR_INVALID_ARGUMENT", "probe");
  std::shared_ptr<const Zone> z = std::atomic_load(&e->zone);
  std::vector<uint8_t> out(std::max<size_t>(e->cfg.maxUdpPayload, e->cfg.maxQueryBytes) + 512);
  const size_t size = z && len <= e->cfg.maxQueryBytes
                          ? fastAnswer(*z, e->cfg, q, len, out.data(), e->probeTurn, *e->counters.back(), e->probeKey)
                          : 0;
  napi_value result;
  if (size == 0) {
    napi_get_null(env, &result);
  } else {
    void* copy;
    napi_create_buffer_copy(env, size, out.data(), &copy, &result);
  }
  return result;
}

// stats(engine) → [received, answered, truncated, toJs, droppedOverload, recvErrors, sendErrors, rcode 0..5]
napi_value Stats(napi_env env, napi_callback_info info) {
  Engine* e = engineCall(env, info, 1).engine;
  if (e == nullptr) return throwError(env, "ERR_INVALID_ARGUMENT", "stats(engine)");
  napi_value arr;
  napi_create_array_with_length(env, kCounters, &arr);
  for (int i = 0; i < kCounters; i++) {
    uint64_t sum = 0;
    // The threads' counters only: the last one is probe()'s, which tests call and serving never does.
    for (size_t t = 0; t + 1 < e->counters.size(); t++) sum += e->counters[t]->v[i].load(std::memory_order_relaxed);
    napi_value v;
    napi_create_double(env, static_cast<double>(sum), &v);
    napi_set_element(env, arr, i, v);
  }
  return arr;
}

// close(engine): stops and joins the threads, closes the sockets; idempotent.
napi_value Close(napi_env env, napi_callback_info info) {
  Engine* e = engineCall(env, info, 1).engine;
  if (e == nullptr) return throwError(env, "ERR_INVALID_ARGUMENT", "close(engine)");
  stopEngine(e);
  return nullptr;
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"open", nullptr, Open, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setZone", nullptr, SetZone, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"send", nullptr, Send, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"probe", nullptr, Probe, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"stats", nullptr, Stats, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"close", nullptr, Close, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  napi_value version;
  napi_create_uint32(env, 1, &version);
  napi_set_named_property(env, exports, "abi", version);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
