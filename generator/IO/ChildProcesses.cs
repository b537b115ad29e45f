using System.Globalization;
using System.Runtime.InteropServices;

namespace AttentionLego.Gen.IO;

/// <summary>
/// Ends a tool and every process it started, fast and without leaving one behind: every process of the tree is first
/// stopped (SIGSTOP), from the root down and again until a scan of <c>/proc</c> finds no new one, so none can start
/// another child meanwhile; then all are sent SIGTERM and continued, so that each can clean up (the C++ compiler removes
/// its temporary files, make its half-built targets); whatever is still there a moment later, or appeared meanwhile, is
/// stopped the same way and killed (SIGKILL). One scan of <c>/proc</c> per round, read directly.
/// </summary>
/// <remarks>
/// .NET's <c>Process.Kill(entireProcessTree: true)</c>, which CliWrap calls on cancellation, enumerates every process of
/// the machine through <c>Process</c> objects once per process of the tree, and kills a parent before it looks at the
/// children: on the shared 2-core machine a Verilator build (verilator, verilator_bin, sh, make, g++, cc1plus) took
/// more than the 1.5 s an interrupted command has, and make and the compilers outlived the CLI. Linux only, as the rest
/// of the toolchain.
/// </remarks>
public static class ChildProcesses
{
    private const int Sigkill = 9;
    private const int Sigterm = 15;
    private const int Sigcont = 18;
    private const int Sigstop = 19;

    /// <summary>How long the processes of a tree have to end on SIGTERM before they are killed.</summary>
    public static readonly TimeSpan CleanUp = TimeSpan.FromMilliseconds(300);

    /// <summary>Ends <paramref name="root"/> and all its descendants (see the class), if <paramref name="root"/> is a child of this process.</summary>
    public static void KillTree(int root)
    {
        var me = Environment.ProcessId;
        if (root <= 0 || root == me || Snapshot().GetValueOrDefault(root) != me)
        {
            return; // gone already (or never ours): a reused pid must not be touched
        }

        var tree = Freeze([root]);
        Send(tree, Sigterm);
        Send(tree, Sigcont);
        var until = DateTime.UtcNow + CleanUp;
        while (DateTime.UtcNow < until && tree.Any(Alive))
        {
            Thread.Sleep(10);
        }

        Send(Freeze([.. tree.Where(Alive)]), Sigkill);
    }

    /// <summary>Stops, then kills every descendant of this process at once (the last resort of a command that did not stop in time).</summary>
    public static void KillAll() => Send(Freeze([.. Children(Snapshot(), Environment.ProcessId)]), Sigkill);

    /// <summary>Every live process below <paramref name="root"/> (not the root itself).</summary>
    public static IReadOnlyList<int> Descendants(int root)
    {
        var parents = Snapshot();
        var result = new List<int>();
        var queue = new Queue<int>(Children(parents, root));
        while (queue.Count > 0)
        {
            var pid = queue.Dequeue();
            result.Add(pid);
            foreach (var child in Children(parents, pid))
            {
                queue.Enqueue(child);
            }
        }

        return result;
    }

    /// <summary>
    /// Stops <paramref name="roots"/> and everything below them: each round stops what it found and looks again below it,
    /// until nothing new appears (a stopped process cannot fork, so only those still running at the last scan can add one).
    /// </summary>
    private static List<int> Freeze(IReadOnlyList<int> roots)
    {
        var frozen = new List<int>();
        var seen = new HashSet<int>();
        var frontier = roots.ToList();
        for (var round = 0; round < 32 && frontier.Count > 0; round++)
        {
            foreach (var pid in frontier.Where(seen.Add))
            {
                _ = Native.kill(pid, Sigstop);
                frozen.Add(pid);
            }

            var parents = Snapshot();
            frontier = [.. frozen.SelectMany(pid => Children(parents, pid)).Where(pid => !seen.Contains(pid))];
        }

        return frozen;
    }

    private static void Send(IEnumerable<int> pids, int signal)
    {
        foreach (var pid in pids)
        {
            _ = Native.kill(pid, signal);
        }
    }

    /// <summary>Running or stopped; not gone and not a zombie (which has ended and waits for its parent to collect it).</summary>
    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] is not ('Z' or 'X');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return false;
        }
    }

    private static IEnumerable<int> Children(Dictionary<int, int> parents, int pid) =>
        parents.Where(p => p.Value == pid).Select(p => p.Key);

    /// <summary>pid -> parent pid of every process in <c>/proc</c> now.</summary>
    private static Dictionary<int, int> Snapshot()
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ', 3);
                if (fields[0] != "Z" && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent))
                {
                    parents[pid] = parent;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException or IndexOutOfRangeException)
            {
                // gone meanwhile
            }
        }

        return parents;
    }

    private static class Native
    {
        [DllImport("libc", SetLastError = true)]
        public static extern int kill(int pid, int signal);
    }
}
