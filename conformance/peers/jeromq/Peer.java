// A JeroMQ peer for edgemq's interop tests. Debian's libjeromq-java 0.3.6 speaks only ZMTP 2.0,
// so it checks edgemq's ZMTP 2.0 downgrade.
//
// usage: java -cp jeromq.jar:<dir> Peer <socket-type> <bind|connect> <endpoint>
//        <send|recv|echo|publish> [count] [identity-or-topic]
//
// - send: sends `count` two-frame messages ["msg", "<i>"], then lingers until they left.
// - recv: receives `count` messages and prints each as one line of hex frames joined by "|".
// - echo: receives `count` messages, prints each like recv, and sends it back unchanged.
// - publish: sends ["ads", "<i>"] and ["news", "<i>"] every 20 ms, for at most 10 s (a PUB
//   repeats because subscribers join late; the test kills it when it has what it needs).
// The last argument sets the socket's identity (what a ZMTP 2.0 peer sends in its identity
// frame), or for a SUB the topic it subscribes to.
// Prints "READY" once bound/connected; exits 0 after "DONE", 2 after a 10 s receive timeout.

import java.util.ArrayList;
import java.util.List;
import org.zeromq.ZMQ;

public class Peer {
  public static void main(String[] args) {
    if (args.length < 4) {
      System.err.println("usage: Peer <type> <bind|connect> <endpoint> <send|recv|echo> [count] [id]");
      System.exit(64);
    }
    int count = args.length > 4 ? Integer.parseInt(args[4]) : 1;
    ZMQ.Context ctx = ZMQ.context(1);
    ZMQ.Socket sock = ctx.socket(typeOf(args[0]));
    sock.setLinger(5000);
    sock.setReceiveTimeOut(10000);
    boolean sub = args[0].equalsIgnoreCase("SUB");
    if (args.length > 5 && sub) sock.subscribe(args[5].getBytes());
    else if (args.length > 5) sock.setIdentity(args[5].getBytes());
    if (args[1].equals("bind")) sock.bind(args[2]);
    else sock.connect(args[2]);
    System.out.println("READY");
    System.out.flush();
    int code = run(sock, args[3], count);
    sock.close();
    ctx.term();
    if (code == 0) System.out.println("DONE");
    System.out.flush();
    System.exit(code);
  }

  static int run(ZMQ.Socket sock, String action, int count) {
    if (action.equals("publish")) return publish(sock);
    for (int i = 0; i < count; i++) {
      if (action.equals("send")) {
        sock.sendMore("msg");
        sock.send(Integer.toString(i));
        continue;
      }
      List<byte[]> frames = receive(sock);
      if (frames == null) {
        System.out.println("TIMEOUT");
        return 2;
      }
      System.out.println(line(frames));
      System.out.flush();
      if (action.equals("echo")) {
        for (int f = 0; f < frames.size(); f++) {
          sock.send(frames.get(f), f < frames.size() - 1 ? ZMQ.SNDMORE : 0);
        }
      }
    }
    return 0;
  }

  static int publish(ZMQ.Socket sock) {
    for (int i = 0; i < 500; i++) {
      sock.sendMore("ads");
      sock.send(Integer.toString(i));
      sock.sendMore("news");
      sock.send(Integer.toString(i));
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        return 1;
      }
    }
    return 0;
  }

  static List<byte[]> receive(ZMQ.Socket sock) {
    List<byte[]> frames = new ArrayList<>();
    do {
      byte[] frame = sock.recv(0);
      if (frame == null) return null;
      frames.add(frame);
    } while (sock.hasReceiveMore());
    return frames;
  }

  static String line(List<byte[]> frames) {
    StringBuilder out = new StringBuilder();
    for (int f = 0; f < frames.size(); f++) {
      if (f > 0) out.append('|');
      for (byte b : frames.get(f)) out.append(String.format("%02x", b & 0xff));
    }
    return out.toString();
  }

  static int typeOf(String name) {
    switch (name.toUpperCase()) {
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
}
