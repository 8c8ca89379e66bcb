// LiltNN: an LSTM language model over integer tokens, trained and run on OpenBLAS. It knows nothing
// of music; the caller maps its tokens to integers.
//
// Model and parameters
//   LSTMConfig(vocabularySize:layers:hidden:embedding:dropout:)   embedding 0 = one-hot input
//   LSTMModel(config:using:)            PyTorch's default init from a SeededGenerator; all parameters in
//                                       one [Float] buffer, tensors in ParameterLayout (PyTorch names,
//                                       shapes and gate order i, f, g, o)
//
// Training
//   TokenCorpus(songs:endOfSong:vocabularySize:)   songs WITHOUT end-of-song tokens
//   TrainingOptions                     T, B, epochs, minutes, lr, clip, schedule, seed, mode, validation
//                                       share, early-stopping patience, threads
//   Trainer(model:corpus:onsetTokens:options:)      onsetTokens: targets counted in the onset-only figures
//   trainer.checkpoints = CheckpointTarget(directory:metadata:)   writes best.safetensors and
//                                       latest.safetensors (+ .optimizer.safetensors beside each);
//                                       metadata: lilt.vocabulary, lilt.encoding, … (lilt.format,
//                                       lilt.config and lilt.history are added)
//   try trainer.run(shouldStop: { … }) { event in … }   events: .started, .batch(BatchProgress),
//                                       .epoch(EpochSummary), .stopped(StopReason); throws
//                                       TrainingError.nonFinite when the loss or gradient is NaN/∞
//   Trainer.resume(from: latestURL, corpus:onsetTokens:) { $0.epochs = … }   continues exactly
//   The state-reset rule of the streams is documented on StreamLayout (Training/TokenCorpus.swift).
//
// Checkpoints
//   Checkpoint.save(_:metadata:to:), Checkpoint.load(from:) → (model, metadata); CheckpointError names
//   the file, the byte offset or tensor, and the reason.
//
// Inference
//   InferenceSession(model:batch:)      stateful steps over B streams: step(tokens:logits:), reset,
//                                       state; logProbabilities(of: [endOfSong] + tokens + [endOfSong])
//                                       for scoring
//   Sampler.distribution(logits:controls:) with SamplingControls (temperature, bias, top-p, entropy
//   target), Sampler.sample(_:uniform:); TokenGenerator.continuation(of:session:…) for whole sequences.
//
// Speed: `lilt bench train` (TrainingBenchmark) measures configs A and C against PyTorch.
//   The LSTM cell's elementwise math (σ, tanh, the state update and its backward) and the recurrent
//   products on W_hh (packed once per window: WindowOperand, PackedProductStep) run in Swift kernels built
//   three times from one source — LiltKernels (baseline x86-64), LiltKernelsAVX2, LiltKernelsAVX512 — and
//   KernelInstructionSet.selected picks the widest build the CPU runs when the program starts
//   (LILT_KERNELS overrides). The other products run on OpenBLAS, and so do the recurrent ones in the
//   baseline build (no fused multiply-add); the AVX2 and AVX-512 builds give bit-identical results.
//   Threads share the recurrence by streams, each running its range through the whole window with no
//   meeting between steps; StreamSplit sizes the ranges by each thread's measured speed (a busy or
//   slower core gets fewer streams), and a thread that finishes early takes streams over from one still
//   running, at a step boundary (StreamHandover); both change the time only, never a result.
