package edgemq;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.zeromq.ZMQ;

/**
 * A JeroMQ target for the conformance runner (conformance/runner/README.md, "the contract"),
 * compiled against JeroMQ 0.6.0 and against Debian's JeroMQ 0.3.6 (it only uses the API both have,
 * and ZMQ_REQ_RELAXED through reflection where it exists).
 *
 * <p>usage: JeromqTarget &lt;TYPE&gt; bind &lt;tcp://host:port&gt; (port 0: any)
 *
 * <p>REP, DEALER, ROUTER and PAIR send back what they get; PUB publishes "alpha n" and "beta n"
 * in turn every 50 ms; PUSH sends "push n" every 50 ms; REQ (relaxed) sends "request n" and a new
 * one after each reply or 250 ms; SUB subscribes to "alpha"; PULL takes what comes. Prints
 * "ready URL" once bound and serves until its standard input closes.
 */
public final class JeromqTarget {
  private JeromqTarget() {}

  private static volatile boolean stopped = false;

  private static int typeOf(String name) {
    switch (name) {
      case "PAIR": return ZMQ.PAIR;
      case "PUB": return ZMQ.PUB;
      case "SUB": return ZMQ.SUB;
      case "REQ": return ZMQ.REQ;
      case "REP": return ZMQ.REP;
      case "DEALER": return ZMQ.DEALER;
      case "ROUTER": return ZMQ.ROUTER;
      case "PULL": return ZMQ.PULL;
      case "PUSH": return ZMQ.PUSH;
      default: throw new IllegalArgumentException("unknown socket type " + name);
    }
  }

  private static List<byte[]> recvMessage(ZMQ.Socket sock) {
    byte[] first = sock.recv(0);
    if (first == null) return null;
    List<byte[]> frames = new ArrayList<>();
    frames.add(first);
    while (sock.hasReceiveMore()) frames.add(sock.recv(0));
    return frames;
  }

  private static void sendMessage(ZMQ.Socket sock, List<byte[]> frames) {
    for (int i = 0; i < frames.size(); i++) {
      sock.send(frames.get(i), (i + 1 < frames.size() ? ZMQ.SNDMORE : 0) | ZMQ.DONTWAIT);
    }
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Sets ZMQ_REQ_RELAXED where the JeroMQ version has it; false if it has not. */
  private static boolean relax(ZMQ.Socket sock) {
    try {
      Method m = sock.getClass().getMethod("setReqRelaxed", boolean.class);
      m.invoke(sock, true);
      return true;
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3 || !args[1].equals("bind") || !args[2].startsWith("tcp://")) {
      System.err.println("usage: JeromqTarget <TYPE> bind tcp://host:port");
      System.exit(64);
    }
    String kind = args[0].toUpperCase();
    String endpoint = args[2];
    ZMQ.Context ctx = ZMQ.context(1);
    ZMQ.Socket sock = ctx.socket(typeOf(kind));
    sock.setLinger(0);
    sock.setReceiveTimeOut(kind.equals("REQ") ? 250 : 100);
    if (kind.equals("REQ") && !relax(sock)) {
      System.err.println("this JeroMQ has no ZMQ_REQ_RELAXED: a REQ cannot serve the contract");
      System.exit(3);
    }
    if (kind.equals("SUB")) sock.subscribe(text("alpha"));
    if (endpoint.endsWith(":0") || endpoint.endsWith(":*")) {
      String host = endpoint.substring(0, endpoint.lastIndexOf(':'));
      endpoint = host + ":" + sock.bindToRandomPort(host);
    } else {
      sock.bind(endpoint);
    }
    Thread watch = new Thread(() -> {
      try {
        while (System.in.read() >= 0) { /* until the harness closes it */ }
      } catch (java.io.IOException e) { /* closed */ }
      stopped = true;
    });
    watch.setDaemon(true);
    watch.start();
    System.out.println("ready " + endpoint);
    System.out.flush();
    int n = 0;
    while (!stopped) {
      switch (kind) {
        case "REP": case "DEALER": case "ROUTER": case "PAIR": {
          List<byte[]> msg = recvMessage(sock);
          if (msg != null) sendMessage(sock, msg);
          break;
        }
        case "PUB": case "PUSH": {
          String body = kind.equals("PUSH") ? "push " + n : (n % 2 == 0 ? "alpha " : "beta ") + n;
          sock.send(text(body), ZMQ.DONTWAIT);
          n++;
          Thread.sleep(50);
          break;
        }
        case "REQ": {
          if (sock.send(text("request " + n++), 0)) recvMessage(sock);
          Thread.sleep(50);
          break;
        }
        default:
          recvMessage(sock);
      }
    }
    sock.close();
    ctx.term();
    System.exit(0);
  }
}
