using System.Collections.Concurrent;

namespace AttentionLego.Gen.IO;

/// <summary>
/// The files and folders a command is making right now and must not leave behind if it is stopped: staging folders of
/// <c>generate</c> and of the build cache, temporary folders of lint and Yosys, the folder of the case being simulated.
/// Each is registered while it is incomplete and unregistered once it is in place or removed. On SIGINT or SIGTERM the
/// command's own <c>finally</c> blocks remove them; when a command does not stop in time, the signal handler calls
/// <see cref="DeleteAll"/> before it exits, so either way nothing partial is left.
/// </summary>
public static class Scratch
{
    private static readonly ConcurrentDictionary<long, string> Paths = new();
    private static long _next;

    /// <summary>Registers <paramref name="path"/> (a file or a folder) until the returned handle is disposed.</summary>
    public static IDisposable Register(string path)
    {
        var id = Interlocked.Increment(ref _next);
        Paths[id] = Path.GetFullPath(path);
        return new Handle(id);
    }

    /// <summary>What is registered now (for tests and messages).</summary>
    public static IReadOnlyList<string> Registered => [.. Paths.Values];

    /// <summary>Removes every registered path, best effort: a path that cannot be removed is skipped.</summary>
    public static void DeleteAll()
    {
        foreach (var (id, path) in Paths.ToArray())
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
                else if (File.Exists(path))
                {
                    File.Delete(path);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: the process is going away; a later run of the same command cleans what is left.
            }

            Paths.TryRemove(id, out _);
        }
    }

    private sealed class Handle(long id) : IDisposable
    {
        public void Dispose() => Paths.TryRemove(id, out _);
    }
}
